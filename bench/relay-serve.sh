# rsendmail serve for the benchmarks (sourced by bench scripts, bash), with the
# OpenSSH client's one hand-over.
#
# Needs: $tmp (work directory with known_hosts), $dist (install/target/dist),
#        $tmp/bin/sendmail (the stub), a key file in $1 of start_serve.
# start_serve KEY [MAX]: serve on 127.0.0.1 and a free port, KEY's public half
#        authorized, limits MAX (default 512); sets sport, serve_pid; appends
#        the host key to $tmp/known_hosts.
# hand_over KEY PORT MESSAGE-ID: one "ssh relay rsendmail -f … -- …"; prints
#        "milliseconds exit-status".
start_serve() {
    local max=${2:-512}
    sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "restrict $(cat "$1.pub")" >"$tmp/serve_keys"
    mkdir -p "$tmp/serve-state"
    cat >"$tmp/serve.conf" <<CONF
sendmail $tmp/bin/sendmail
log $tmp/serve.log
state_dir $tmp/serve-state
listen 127.0.0.1:$sport
host_key $tmp/serve_host_key
authorized_keys $tmp/serve_keys
max_sessions $max
max_sessions_per_key $max
max_startups $max
CONF
    "$dist/bin/rsendmail" serve --config "$tmp/serve.conf" >"$tmp/serve.out" 2>&1 &
    serve_pid=$!
    for _ in $(seq 300); do grep -q 'serve: listening' "$tmp/serve.log" 2>/dev/null && break; sleep 0.1; done
    grep -q 'serve: listening' "$tmp/serve.log" || { echo "serve did not start" >&2; cat "$tmp/serve.out" >&2; exit 1; }
    echo "[127.0.0.1]:$sport $(cut -d' ' -f1,2 "$tmp/serve_host_key.pub")" >>"$tmp/known_hosts"
}

hand_over() {
    local t0 rc
    t0=$(date +%s%N)
    printf 'From: a@bench.example\nTo: b@example.org\nSubject: bench\nMessage-ID: <%s@bench.example>\n\nhello\n' "$3" |
        ssh -F /dev/null -T -o BatchMode=yes -o UserKnownHostsFile="$tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null \
            -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o IdentityAgent=none -o ConnectTimeout=60 \
            -i "$1" -p "$2" -l "$(id -un)" 127.0.0.1 "rsendmail -f a@bench.example -- b@example.org" >/dev/null 2>&1 &&
        rc=0 || rc=$?
    echo "$(( ($(date +%s%N) - t0) / 1000000 )) $rc"
}
