// The Genesys Lambda Runtime-API adapter: the `bootstrap` of a Go function on AWS.
//
// A Genesys Go function is an HTTP program (it serves on $PORT; an invocation is POST / with
// the event as the body), identical on every provider. Lambda's custom runtime instead runs
// an executable named `bootstrap` that pulls events from the Runtime API. This adapter is that
// executable: it starts the user's program (program/<handler> beside it, <handler> from
// Lambda's _HANDLER setting) with PORT set, waits until it listens, then relays each event:
//
//	GET  /2018-06-01/runtime/invocation/next          -> the event
//	POST http://127.0.0.1:$PORT/ with the event        -> the program's answer
//	POST /2018-06-01/runtime/invocation/ID/response    (2xx answer, body as is)
//	POST /2018-06-01/runtime/invocation/ID/error       (non-2xx answer or no answer)
//
// Standard library only, so it builds offline with any Go 1.19+ toolchain.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

const apiVersion = "2018-06-01"

// How long the program may take to start listening (Lambda's init phase allows 10 s).
const startTimeout = 9 * time.Second

type runtimeAPI struct {
	base   string
	client *http.Client
}

func (api runtimeAPI) post(path string, body []byte, errorType string) {
	req, err := http.NewRequest(http.MethodPost, api.base+path, bytes.NewReader(body))
	if err != nil {
		fatal("bad runtime API request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if errorType != "" {
		req.Header.Set("Lambda-Runtime-Function-Error-Type", errorType)
	}
	resp, err := api.client.Do(req)
	if err != nil {
		fatal("runtime API %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func errorBody(errorType, message string) []byte {
	body, _ := json.Marshal(map[string]string{"errorType": errorType, "errorMessage": message})
	return body
}

func fatal(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "genesys bootstrap: "+format+"\n", args...)
	os.Exit(1)
}

func freePort() int {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal("no free port: %v", err)
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port
}

func programPath() string {
	handler := os.Getenv("_HANDLER")
	if handler == "" {
		handler = "bootstrap"
	}
	root := os.Getenv("LAMBDA_TASK_ROOT")
	if root == "" {
		self, err := os.Executable()
		if err != nil {
			fatal("cannot find myself: %v", err)
		}
		root = filepath.Dir(self)
	}
	return filepath.Join(root, "program", filepath.Base(handler))
}

// startProgram runs the user's binary with PORT and reports (on exited) when it stops.
func startProgram(path string, port int) (exited chan error, err error) {
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	// The program must not outlive its adapter (Lambda targets Linux, where this exists).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited = make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	return exited, nil
}

func waitListening(address string, exited chan error) error {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("the program exited before listening on $PORT: %v", err)
		default:
		}
		conn, err := net.DialTimeout("tcp", address, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the program did not listen on $PORT within %s", startTimeout)
}

// forward posts one event to the program; a non-2xx status is a function error.
func forward(program string, event []byte, deadlineMs string) ([]byte, string, string) {
	ctx := context.Background()
	if ms, err := strconv.ParseInt(deadlineMs, 10, 64); err == nil && ms > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.UnixMilli(ms))
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, program, bytes.NewReader(event))
	if err != nil {
		return nil, "Runtime.AdapterError", err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "Runtime.ProgramUnreachable", err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, "Runtime.ProgramUnreachable", err.Error()
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		message := fmt.Sprintf("the program answered HTTP %d: %s", resp.StatusCode, body)
		return nil, "Function.HTTPError", message
	}
	return body, "", ""
}

func relay(api runtimeAPI, program string, exited chan error) {
	for {
		resp, err := api.client.Get(api.base + "/invocation/next")
		if err != nil {
			fatal("runtime API next: %v", err)
		}
		event, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			fatal("runtime API next: %v", err)
		}
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		deadline := resp.Header.Get("Lambda-Runtime-Deadline-Ms")
		answer, errorType, message := forward(program, event, deadline)
		if errorType == "" {
			api.post("/invocation/"+id+"/response", answer, "")
			continue
		}
		api.post("/invocation/"+id+"/error", errorBody(errorType, message), errorType)
		select {
		case err := <-exited:
			fatal("the program exited: %v", err) // Lambda starts a fresh environment
		default:
		}
	}
}

func main() {
	host := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	if host == "" {
		fatal("AWS_LAMBDA_RUNTIME_API is not set (this runs inside AWS Lambda)")
	}
	api := runtimeAPI{base: "http://" + host + "/" + apiVersion + "/runtime", client: &http.Client{}}
	port := freePort()
	exited, err := startProgram(programPath(), port)
	if err == nil {
		err = waitListening("127.0.0.1:"+strconv.Itoa(port), exited)
	}
	if err != nil {
		api.post("/init/error", errorBody("Runtime.ProgramStartError", err.Error()), "Runtime.ProgramStartError")
		fatal("%v", err)
	}
	relay(api, "http://127.0.0.1:"+strconv.Itoa(port)+"/", exited)
}
