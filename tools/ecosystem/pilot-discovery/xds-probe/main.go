// xds-probe asks istiod for the endpoints of one Envoy cluster (EDS over ADS, istiod's
// plaintext xDS port) as a sidecar on a given cluster and network would, and prints what
// istiod answers as JSON: one line per endpoint with its address, port and load-balancing
// weight. Written for meshgen's end-to-end test tier (npm run test:e2e), to see the
// cross-network endpoints istiod gives a proxy (a remote network's endpoints are replaced by
// that network's east-west gateway); not part of meshgen.
//
// With --rds, it asks for one route configuration instead, as a gateway (node type router)
// with the given pod labels would, and prints its virtual hosts: domains and the Envoy
// clusters their routes lead to (an empty list when istiod has no such route for the proxy).
//
// Usage: xds-probe --addr HOST:PORT --cluster-id ID --network NET --namespace NS --resource NAME
//
//	xds-probe --rds --labels istio=ingressgateway ... --resource https.443.https.NAME.NAMESPACE
//	xds-probe --version
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

const endpointType = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
const routeType = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"

type virtualHost struct {
	Domains  []string `json:"domains"`
	Clusters []string `json:"clusters"`
}

type result struct {
	Address string `json:"address"`
	Port    uint32 `json:"port"`
	Weight  uint32 `json:"weight"`
}

func main() {
	addr := flag.String("addr", "", "istiod's plaintext xDS address (its --grpcAddr)")
	clusterID := flag.String("cluster-id", "", "the proxy's cluster (CLUSTER_ID metadata)")
	network := flag.String("network", "", "the proxy's network (NETWORK metadata)")
	namespace := flag.String("namespace", "default", "the proxy's namespace")
	resource := flag.String("resource", "", "the Envoy cluster, e.g. outbound|8080||echo.ns.svc.cluster.local")
	timeout := flag.Duration("timeout", 20*time.Second, "how long to wait for the answer")
	rds := flag.Bool("rds", false, "ask for a route configuration as a gateway (node type router) instead of endpoints as a sidecar")
	podLabels := flag.String("labels", "", "the proxy's pod labels, k=v,k=v")
	version := flag.Bool("version", false, "print the module versions this was built with")
	flag.Parse()
	if *version {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, m := range info.Deps {
				if m.Path == "github.com/envoyproxy/go-control-plane/envoy" || m.Path == "google.golang.org/grpc" {
					fmt.Printf("%s %s\n", m.Path, m.Version)
				}
			}
		}
		return
	}
	if *addr == "" || *resource == "" {
		fmt.Fprintln(os.Stderr, "usage: xds-probe --addr HOST:PORT --cluster-id ID --network NET --namespace NS --resource NAME")
		os.Exit(2)
	}
	labels := map[string]any{"app": "xds-probe"}
	if *podLabels != "" {
		labels = map[string]any{}
		for _, kv := range strings.Split(*podLabels, ",") {
			k, v, _ := strings.Cut(kv, "=")
			labels[k] = v
		}
	}
	if err := probe(*addr, *clusterID, *network, *namespace, *resource, labels, *rds, *timeout); err != nil {
		fmt.Fprintf(os.Stderr, "xds-probe: %v\n", err)
		os.Exit(1)
	}
}

func probe(addr, clusterID, network, namespace, resource string, labels map[string]any, rds bool, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return err
	}
	// a sidecar's node: id sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local, and the metadata
	// istiod reads its cluster, network and namespace from
	metadata, err := structpb.NewStruct(map[string]any{
		"CLUSTER_ID":    clusterID,
		"NETWORK":       network,
		"NAMESPACE":     namespace,
		"ISTIO_VERSION": "1.30.0",
		"LABELS":        labels,
	})
	if err != nil {
		return err
	}
	nodeType, typeURL := "sidecar", endpointType
	if rds {
		nodeType, typeURL = "router", routeType
	}
	node := &core.Node{Id: fmt.Sprintf("%s~10.255.0.1~xds-probe.%s~%s.svc.cluster.local", nodeType, namespace, namespace), Metadata: metadata}
	if err := stream.Send(&discovery.DiscoveryRequest{Node: node, TypeUrl: typeURL, ResourceNames: []string{resource}}); err != nil {
		return err
	}
	if rds {
		return printRoutes(stream, resource)
	}
	for {
		res, err := stream.Recv()
		if err != nil {
			return err
		}
		if res.TypeUrl != endpointType {
			continue
		}
		for _, any := range res.Resources {
			cla := &endpoint.ClusterLoadAssignment{}
			if err := any.UnmarshalTo(cla); err != nil {
				return err
			}
			if cla.ClusterName != resource {
				continue
			}
			out := []result{}
			for _, locality := range cla.Endpoints {
				for _, lb := range locality.LbEndpoints {
					sa := lb.GetEndpoint().GetAddress().GetSocketAddress()
					out = append(out, result{Address: sa.GetAddress(), Port: sa.GetPortValue(), Weight: lb.GetLoadBalancingWeight().GetValue()})
				}
			}
			return json.NewEncoder(os.Stdout).Encode(out)
		}
		// an answer without the resource: an empty assignment
		return json.NewEncoder(os.Stdout).Encode([]result{})
	}
}

// printRoutes prints the virtual hosts of route configuration `resource` from istiod's answer.
func printRoutes(stream discovery.AggregatedDiscoveryService_StreamAggregatedResourcesClient, resource string) error {
	for {
		res, err := stream.Recv()
		if err != nil {
			return err
		}
		if res.TypeUrl != routeType {
			continue
		}
		out := []virtualHost{}
		for _, any := range res.Resources {
			rc := &route.RouteConfiguration{}
			if err := any.UnmarshalTo(rc); err != nil {
				return err
			}
			if rc.Name != resource {
				continue
			}
			for _, vh := range rc.VirtualHosts {
				v := virtualHost{Domains: vh.Domains, Clusters: []string{}}
				for _, r := range vh.Routes {
					if c := r.GetRoute().GetCluster(); c != "" {
						v.Clusters = append(v.Clusters, c)
					}
				}
				out = append(out, v)
			}
		}
		return json.NewEncoder(os.Stdout).Encode(out)
	}
}
