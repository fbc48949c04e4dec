// analyze-files runs Istio's analyzers (istio.io/istio/pkg/config/analysis, the library
// behind `istioctl analyze`) on YAML files only, as `istioctl analyze --use-kube=false -A`
// does, except that the files' Pods, Services, Namespaces and Secrets take part too.
//
// `istioctl analyze --use-kube=false` drops those kinds from files (they are "runtime"
// resources it expects from a live cluster), which skips every analyzer that needs them:
// gateway ports against the gateway Service, VirtualService destination hosts, port names,
// injection, multi-cluster services. Istio's own analyzer tests load them from files with
// AddTestReaderKubeSource; so does this program. Written for meshgen's ecosystem test tier
// (npm run test:ecosystem); not part of meshgen.
//
// Usage: analyze-files FILE...   prints the messages as istioctl's `-o json` does, and on
// stderr one line per analyzer that was skipped for lack of input; analyze-files --version.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"istio.io/istio/istioctl/pkg/util/formatting"
	"istio.io/istio/pkg/config/analysis/analyzers"
	"istio.io/istio/pkg/config/analysis/diag"
	"istio.io/istio/pkg/config/analysis/local"
	"istio.io/istio/pkg/config/resource"
	"istio.io/istio/pkg/log"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		version := "unknown"
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, dep := range info.Deps {
				if dep.Path == "istio.io/istio" {
					version = dep.Version
				}
			}
		}
		fmt.Printf("analyze-files: the analyzers of istio.io/istio %s\n", version)
		return
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: analyze-files FILE...")
		os.Exit(2)
	}
	// istioctl's logging: warnings only (errors for its noisiest scopes), and on stderr, so
	// that stdout is the messages alone
	logging := log.DefaultOptions()
	logging.SetDefaultOutputLevel("all", log.WarnLevel)
	logging.SetDefaultOutputLevel("validation", log.ErrorLevel)
	logging.SetDefaultOutputLevel("processing", log.ErrorLevel)
	logging.SetDefaultOutputLevel("kube", log.ErrorLevel)
	logging.OutputPaths = []string{"stderr"}
	if err := log.Configure(logging); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var readers []local.ReaderSource
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		readers = append(readers, local.ReaderSource{Name: name, Reader: f})
	}
	// all namespaces (""), istio-system as the Istio namespace: istioctl analyze -A's defaults
	sa := local.NewIstiodAnalyzer(analyzers.AllCombined(), resource.Namespace(""), resource.Namespace("istio-system"), nil)
	// the files first: the first source added fixes which kinds are read
	if err := sa.AddTestReaderKubeSource(readers); err != nil {
		fmt.Fprintln(os.Stderr, "error(s) adding files:", err)
		os.Exit(1)
	}
	// what istioctl adds in file mode: the default ingress gateway istiod assumes
	if err := sa.AddDefaultResources(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cancel := make(chan struct{})
	result, err := sa.Analyze(cancel)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, skipped := range result.SkippedAnalyzers {
		fmt.Fprintln(os.Stderr, "skipped:", skipped)
	}
	messages := result.Messages.SetDocRef("istioctl-analyze").FilterOutLowerThan(diag.Info)
	output, err := formatting.Print(messages, formatting.JSONFormat, false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(output)
}
