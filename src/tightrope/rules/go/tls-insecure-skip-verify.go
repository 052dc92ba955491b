package client

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
)

func insecureClient() *http.Client {
	tr := &http.Transport{
		// ruleid: go.tls-insecure-skip-verify
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}
	return &http.Client{Transport: tr}
}

func patch(cfg *tls.Config) {
	// ruleid: go.tls-insecure-skip-verify
	cfg.InsecureSkipVerify = true
}

func privateCA() (*http.Client, error) {
	pem, err := os.ReadFile("/etc/ssl/private-ca.pem")
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	// ok: go.tls-insecure-skip-verify
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &http.Client{Transport: tr}, nil
}

func strict(cfg *tls.Config) {
	// ok: go.tls-insecure-skip-verify
	cfg.InsecureSkipVerify = false
}
