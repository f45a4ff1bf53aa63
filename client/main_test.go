package client_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"vivify/client/sandbox"
)

// childEnv, when set, makes the test binary run a sandbox instead of tests:
// benchmarks use it to keep the server's CPU out of the client's process.
const childEnv = "VIVIFY_TEST_SANDBOX_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		srv, err := sandbox.Start(sandbox.WithJobDuration(0), sandbox.WithHoldFor(0),
			sandbox.WithSpamWindow(0), sandbox.WithQueueLimit(1<<30), sandbox.WithBalance(1e9))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(srv.URL)
		io.Copy(io.Discard, os.Stdin) // until the parent closes our stdin
		srv.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childSandbox starts a sandbox in another process and returns its URL.
func childSandbox(tb testing.TB) string {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("the sandbox process did not start: %v", err)
	}
	return strings.TrimSpace(line)
}
