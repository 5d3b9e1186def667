# A relay for the benchmarks (sourced by bench scripts, bash): a private sshd on
# 127.0.0.1 with two restrict,command= keys, key_java running this project's
# rsendmail and key_python the Debian package's Python rsendmail, both in front
# of the stub sendmail the caller put at $tmp/bin/sendmail.
#
# Needs: $tmp (work directory), $dist (install/target/dist).
# MAXSTARTUPS (default 100): sshd_config MaxStartups.
# Sets:  user, port, sshd_pid; writes $tmp/known_hosts, $tmp/key_java, $tmp/key_python.
start_relay_sshd() {
    user=$(id -un)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$tmp/state" /run/sshd 2>/dev/null || mkdir -p "$tmp/state"
    printf 'sendmail %s\nlog %s\nstate_dir %s\n' "$tmp/bin/sendmail" "$tmp/relay.log" "$tmp/state" >"$tmp/relay.conf"
    ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$tmp/key_java"
    ssh-keygen -q -t ed25519 -N '' -f "$tmp/key_python"
    {
        echo "restrict,command=\"$dist/bin/rsendmail --config $tmp/relay.conf\" $(cat "$tmp/key_java.pub")"
        echo "restrict,command=\"PATH=$tmp/bin:/usr/bin:/bin exec /usr/bin/rsendmail\" $(cat "$tmp/key_python.pub")"
    } >"$tmp/authorized_keys"
    cat >"$tmp/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $tmp/host_key
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin forced-commands-only
UsePAM no
StrictModes no
MaxStartups ${MAXSTARTUPS:-100}
MaxSessions 100
LogLevel ERROR
CONF
    /usr/sbin/sshd -D -f "$tmp/sshd_config" -E "$tmp/sshd.log" </dev/null >/dev/null 2>&1 &
    sshd_pid=$!
    echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$tmp/host_key.pub")" >"$tmp/known_hosts"
}
