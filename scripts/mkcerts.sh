#!/bin/sh
# mkcerts.sh -- a small openssl certificate authority for vigil.
#
#   scripts/mkcerts.sh DIR [--server NAME[,SAN...]] [NAME...] [--revoke NAME]
#
# Creates DIR/ca.key + DIR/ca.crt (EC P-256, 10 years) unless they exist,
# then for each argument:
#   NAME                 client certificate for a shipper: DIR/NAME.crt and
#                        DIR/NAME.key, CN=NAME, SAN DNS:NAME.  The collector
#                        takes the sender's host name from this SAN.
#   --server NAME[,SAN]  server certificate for the collector: CN=NAME,
#                        SAN DNS:NAME plus any extra SANs (DNS:x or IP:a.b.c.d),
#                        e.g. --server localhost,IP:127.0.0.1 for a local test
#                        or --server logs.example.org,IP:192.0.2.10.
#   --revoke NAME        revoke DIR/NAME.crt.
# DIR/crl.pem (the CA's certificate revocation list, for --tls-crl) is
# regenerated on every run.  Existing keys and certificates are kept: delete
# DIR/NAME.* to re-issue one.  Keys are created mode 0600.
#
# The same functions are used by tests/lib.sh (sourced with MKCERTS_LIB=1).
# Requires openssl(1) >= 1.1.1.

MKCERTS_DAYS=${MKCERTS_DAYS:-825}

# mkcerts_ca DIR [CN]: create the CA in DIR if it does not exist yet.
mkcerts_ca() {
	_d=$1
	_cn=${2:-vigil development CA}
	mkdir -p "$_d" || return 1
	if [ -s "$_d/ca.key" ] && [ -s "$_d/ca.crt" ]; then
		return 0
	fi
	(umask 077 && openssl genpkey -algorithm EC \
	    -pkeyopt ec_paramgen_curve:P-256 -out "$_d/ca.key") || return 1
	openssl req -x509 -new -sha256 -days 3650 -key "$_d/ca.key" \
	    -subj "/CN=$_cn" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    -out "$_d/ca.crt" 2>/dev/null || return 1
	: >"$_d/index.txt"
	[ -s "$_d/crlnumber" ] || echo 1000 >"$_d/crlnumber"
	mkcerts_crl "$_d"
}

# openssl ca(1) needs a configuration for its database (revocation, CRL).
mkcerts_cacnf() {
	cat >"$1/ca.cnf" <<EOF
[ ca ]
default_ca = vigil_ca
[ vigil_ca ]
dir = .
database = \$dir/index.txt
crlnumber = \$dir/crlnumber
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
default_md = sha256
default_crl_days = 3650
EOF
}

# mkcerts_crl DIR: (re)generate DIR/crl.pem from the CA database.
mkcerts_crl() {
	[ -e "$1/index.txt" ] || : >"$1/index.txt"
	[ -s "$1/crlnumber" ] || echo 1000 >"$1/crlnumber"
	mkcerts_cacnf "$1"
	(cd "$1" && openssl ca -config ca.cnf -gencrl -out crl.pem \
	    2>/dev/null) || return 1
}

# mkcerts_revoke DIR NAME: revoke DIR/NAME.crt and regenerate the CRL.
mkcerts_revoke() {
	mkcerts_cacnf "$1"
	(cd "$1" && openssl ca -config ca.cnf -revoke "$2.crt" \
	    2>/dev/null) || return 1
	mkcerts_crl "$1"
}

# mkcerts_cert DIR FILE CN SAN EKU: issue DIR/FILE.crt (+ DIR/FILE.key) signed
# by DIR's CA.  SAN is an openssl subjectAltName value ("DNS:hv1"), EKU is
# clientAuth or serverAuth,clientAuth.
mkcerts_cert() {
	_d=$1 _f=$2 _cn=$3 _san=$4 _eku=$5
	if [ -s "$_d/$_f.key" ] && [ -s "$_d/$_f.crt" ]; then
		return 0
	fi
	(umask 077 && openssl genpkey -algorithm EC \
	    -pkeyopt ec_paramgen_curve:P-256 -out "$_d/$_f.key") || return 1
	openssl req -new -key "$_d/$_f.key" -subj "/CN=$_cn" \
	    -out "$_d/$_f.csr" 2>/dev/null || return 1
	cat >"$_d/$_f.ext" <<EOF
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = $_eku
subjectAltName = $_san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	openssl x509 -req -sha256 -days "$MKCERTS_DAYS" -in "$_d/$_f.csr" \
	    -CA "$_d/ca.crt" -CAkey "$_d/ca.key" -CAcreateserial \
	    -extfile "$_d/$_f.ext" -out "$_d/$_f.crt" 2>/dev/null || return 1
	rm -f "$_d/$_f.csr" "$_d/$_f.ext"
}

# mkcerts_client DIR NAME: shipper certificate, SAN DNS:NAME.
mkcerts_client() {
	mkcerts_cert "$1" "$2" "$2" "DNS:$2" clientAuth
}

# mkcerts_server DIR NAME[,SAN...] [FILE]: collector certificate.
mkcerts_server() {
	_sn=${2%%,*}
	_san="DNS:$_sn"
	case $2 in
	*,*)	_san="$_san,${2#*,}" ;;
	esac
	mkcerts_cert "$1" "${3:-$_sn}" "$_sn" "$_san" "serverAuth,clientAuth"
}

mkcerts_usage() {
	echo "usage: $0 DIR [--server NAME[,SAN...]] [NAME...] [--revoke NAME]" >&2
	exit 2
}

mkcerts_main() {
	[ $# -ge 1 ] || mkcerts_usage
	case $1 in -*) mkcerts_usage ;; esac
	command -v openssl >/dev/null 2>&1 || {
		echo "$0: openssl not found (apt-get install openssl)" >&2
		exit 1
	}
	dir=$1
	shift
	mkcerts_ca "$dir" || { echo "$0: cannot create CA in $dir" >&2; exit 1; }
	while [ $# -gt 0 ]; do
		case $1 in
		--server)
			[ $# -ge 2 ] || mkcerts_usage
			mkcerts_server "$dir" "$2" || exit 1
			echo "$dir/${2%%,*}.crt (server)"
			shift 2
			;;
		--revoke)
			[ $# -ge 2 ] || mkcerts_usage
			mkcerts_revoke "$dir" "$2" || exit 1
			echo "$dir/$2.crt revoked, $dir/crl.pem updated"
			shift 2
			;;
		-*)
			mkcerts_usage
			;;
		*)
			mkcerts_client "$dir" "$1" || exit 1
			echo "$dir/$1.crt (client)"
			shift
			;;
		esac
	done
	mkcerts_crl "$dir" || exit 1
}

if [ -z "${MKCERTS_LIB:-}" ]; then
	set -eu
	mkcerts_main "$@"
fi
