#!/usr/bin/env bash
# What the pieces under earshot-edge's resident memory cost before any work: the peak RSS
# (/usr/bin/time) of trivial programs that load only the Swift runtime, FoundationEssentials or
# all of Foundation (each linked dynamically and with -static-stdlib), and of a C program that
# loads Debian's libcurl, calls curl_global_init and makes one request. Explains the agent's
# peak RSS in scripts/edge/benchmark.sh; needs swiftc, gcc and libcurl4-openssl-dev. ~1 minute.
set -euo pipefail
work=$(mktemp -d "${TMPDIR:-/tmp}/earshot-rss-floors.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > runtime.swift <<'EOF'
print("hello \(CommandLine.arguments.count)")
EOF
cat > essentials.swift <<'EOF'
import FoundationEssentials
print("hello \(Date().timeIntervalSince1970 > 0) \(try! JSONEncoder().encode([1, 2]).count)")
EOF
cat > foundation.swift <<'EOF'
import Foundation
print("hello \(Date().timeIntervalSince1970 > 0) \(try! JSONEncoder().encode([1, 2]).count) \(String(format: "%.2f", 1.5))")
EOF
cat > curl.c <<'EOF'
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    if (argc > 1) curl_global_init(CURL_GLOBAL_DEFAULT);
    if (argc > 2) {  /* one request to a closed port: the connection code runs */
        CURL *handle = curl_easy_init();
        curl_easy_setopt(handle, CURLOPT_URL, "http://127.0.0.1:9/");
        curl_easy_perform(handle);
        curl_easy_cleanup(handle);
    }
    puts("x");
    return 0;
}
EOF
cat > plain.c <<'EOF'
#include <stdio.h>
int main(void) { puts("x"); return 0; }
EOF

peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
printf '%-58s %8s\n' "program" "max RSS"
for name in runtime essentials foundation; do
    swiftc -O "$name.swift" -o "$name-dynamic" 2>/dev/null
    swiftc -O -static-stdlib "$name.swift" -o "$name-static" 2>/dev/null
    printf '%-58s %6s kB\n' "Swift, $name, dynamic" "$(peak "./$name-dynamic")"
    printf '%-58s %6s kB\n' "Swift, $name, -static-stdlib" "$(peak "./$name-static")"
done
gcc -O2 plain.c -o plain
gcc -O2 curl.c -o curl-test -lcurl
printf '%-58s %6s kB\n' "C, libc only" "$(peak ./plain)"
printf '%-58s %6s kB\n' "C, libcurl loaded" "$(peak ./curl-test)"
printf '%-58s %6s kB\n' "C, libcurl + curl_global_init" "$(peak ./curl-test init)"
printf '%-58s %6s kB\n' "C, libcurl + curl_global_init + one request" "$(peak ./curl-test init request)"
