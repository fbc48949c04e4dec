// An empty stand-in for github.com/agentgateway/agentgateway/api, which the Go module proxy does
// not serve (403 for every version). Nothing in meshgen's pilot-discovery build imports it: the
// one Istio package that does is replaced by agentgateway-stub/ (see tools.json, stubPackage).
module github.com/agentgateway/agentgateway/api

go 1.24
