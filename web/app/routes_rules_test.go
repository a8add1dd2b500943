package app

// accessRules is who may call each route of the work-time rules engine: patterns, calendars, results, caps, written out
// independently of the route table (see TestRouteAccess).
var accessRules = map[string]string{}
