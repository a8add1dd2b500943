package app

// accessKiosk is who may call each route of the kiosk and face recognition API (device and HR endpoints), written out
// independently of the route table (see TestRouteAccess).
var accessKiosk = map[string]string{}
