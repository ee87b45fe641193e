// Package genesysfn is the Cloud Functions entry point Genesys ships with a Go function.
//
// A Genesys Go function is an HTTP program (a main package serving on $PORT; an invocation is
// POST / with the event as the body), identical on every provider. Cloud Functions' Go
// runtime instead builds a non-main package and calls one of its exported HTTP functions.
// This package is that function: Handle starts the user's program once per instance (the
// linux/amd64 executable Genesys built from `source`, shipped beside this file under its
// handler name, see program.go) with PORT set to a free port, waits until it listens, then
// forwards every request to it as it came and its response back as is.
//
// Standard library only, and nothing newer than Go 1.19.
package genesysfn

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// How long the program may take to start listening.
const startTimeout = 9 * time.Second

var (
	once    sync.Once
	proxy   *httputil.ReverseProxy
	failure error
)

// Handle is the function's entry point (buildConfig.entryPoint "Handle").
func Handle(w http.ResponseWriter, r *http.Request) {
	once.Do(func() { proxy, failure = start() })
	if failure != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadGateway)
		json.NewEncoder(w).Encode(map[string]string{"error": failure.Error()})
		return
	}
	proxy.ServeHTTP(w, r)
}

func start() (*httputil.ReverseProxy, error) {
	program, err := runnable()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(program)
	cmd.Env = append(withoutPort(os.Environ()), "PORT="+strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %v", programName, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	address := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("%s exited before listening on PORT %d: %v", programName, port, err)
		default:
		}
		if conn, err := net.DialTimeout("tcp", address, 200*time.Millisecond); err == nil {
			conn.Close()
			return httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: address}), nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s did not listen on PORT %d within %s", programName, port, startTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runnable copies the program to a temporary file with the exec bit: a function's source
// directory may be read-only, and an unzipped file may have lost its mode bits.
func runnable() (string, error) {
	source, err := locate()
	if err != nil {
		return "", err
	}
	in, err := os.Open(source)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp("", "genesys-program-")
	if err != nil {
		return "", err
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		return "", err
	}
	return out.Name(), os.Chmod(out.Name(), 0o755)
}

// locate finds the program beside this package's source: the working directory, or the
// directory Cloud Functions copies the source to.
func locate() (string, error) {
	wd, _ := os.Getwd()
	for _, dir := range []string{wd, filepath.Join(wd, "serverless_function_source_code"), "/workspace/serverless_function_source_code"} {
		candidate := filepath.Join(dir, programName)
		if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("the program %s is not beside the function's source (in %s)", programName, wd)
}

func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

func withoutPort(env []string) []string {
	kept := env[:0:0]
	for _, entry := range env {
		if !strings.HasPrefix(entry, "PORT=") {
			kept = append(kept, entry)
		}
	}
	return kept
}
