package tools

import (
	"context"
	"fmt"
	"os/exec"
)

func Ping(host string) ([]byte, error) {
	// ruleid: go.command-injection
	return exec.Command("sh", "-c", fmt.Sprintf("ping -c 1 %s", host)).Output()
}

func Archive(ctx context.Context, dir string) error {
	// ruleid: go.command-injection
	return exec.CommandContext(ctx, "/bin/bash", "-c", "tar czf backup.tgz "+dir).Run()
}

func PingSafe(ctx context.Context, host string) ([]byte, error) {
	// ok: go.command-injection
	return exec.CommandContext(ctx, "ping", "-c", "1", host).Output()
}

func Build() error {
	// ok: go.command-injection
	return exec.Command("sh", "-c", "make build").Run()
}
