#!/bin/sh
# The auditor's check of erasure receipts with stock tools only: OpenSSL >= 3.0, a POSIX shell, and jq for the
# completeness of a run. Nothing of this project is needed. docs/receipts.md explains each step.
#
#   sh scripts/verify-with-openssl.sh kid <public.pem>             the key ID (kid) of a published public key
#   sh scripts/verify-with-openssl.sh verify <public.pem> <jws>    checks one receipt or head; prints its payload
#   sh scripts/verify-with-openssl.sh runs <export.json>           per run: size, the seq present, what is missing
set -eu

b64url_decode() {
	s=$(printf '%s' "$1" | tr '_-' '/+')
	case $((${#s} % 4)) in 2) s="$s==" ;; 3) s="$s=" ;; esac
	printf '%s' "$s" | openssl base64 -d -A
}

b64url_encode() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}

case "${1:-}" in
kid)
	# RFC 7638: SHA-256 of {"crv":"Ed25519","kty":"OKP","x":"<public key, base64url>"}; the raw key is the DER's last 32 bytes.
	x=$(openssl pkey -pubin -in "$2" -outform DER | tail -c 32 | b64url_encode)
	printf '{"crv":"Ed25519","kty":"OKP","x":"%s"}' "$x" | openssl dgst -sha256 -binary | b64url_encode
	echo
	;;
verify)
	jws=$3
	header=${jws%%.*}
	rest=${jws#*.}
	payload=${rest%%.*}
	signature=${rest#*.}
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	printf '%s.%s' "$header" "$payload" >"$work/signed"
	b64url_decode "$signature" >"$work/signature"
	echo "header:  $(b64url_decode "$header")"
	# Check the header yourself: exactly {"alg":"Ed25519","kid":"<the published kid>","typ":"erasure-receipt+jws"} (or erasure-batch+jws).
	openssl pkeyutl -verify -pubin -inkey "$2" -rawin -in "$work/signed" -sigfile "$work/signature"
	echo "payload: $(b64url_decode "$payload")"
	;;
runs)
	# Each item's statement names its run (batch), its place (seq) and the run's size: every seq 0..size-1 must be there once.
	jq -r '.[] | (.json // .) | (.receipt // .details.receipt) | .jws | split(".")[1]' "$2" | while read -r payload; do
		b64url_decode "$payload" | jq -c '{batch, seq, size}'
		echo
	done | jq -s -r 'group_by(.batch)[] | {batch: .[0].batch, size: .[0].size, seqs: (map(.seq) | sort)}
		| "\(.batch) size \(.size): " + (if .seqs == [range(0; .size)] then "complete" else "INCOMPLETE, present \(.seqs)" end)'
	;;
*)
	echo "usage: $0 kid <public.pem> | verify <public.pem> <jws> | runs <export.json>" >&2
	exit 2
	;;
esac
