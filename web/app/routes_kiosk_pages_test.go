package app

// accessKioskPages is who may call each route of the kiosk, enrolment and face review pages, written out
// independently of the route table (see TestRouteAccess).
var accessKioskPages = map[string]string{}
