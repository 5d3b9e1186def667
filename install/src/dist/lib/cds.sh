# Application class-data sharing for the launchers in bin/ (sourced, POSIX sh).
#
# A launcher sets: java (absolute path), opts (JVM options), cp (class path),
# home (installation directory), jsa (archive path), prog (its name). Then:
#   cds_fits             true when $jsa fits this directory and this java
#   cds_dump LIST...     makes $jsa from the JDK's class list plus the given
#                        class lists (-XX:DumpLoadedClassList output of training
#                        runs), atomically, and records what it fits in $jsa.id
#
# A static archive (-Xshare:dump) keeps the JDK's archived heap objects and
# module graph (with G1), which a dynamic one would switch off. It fits one
# installation directory and one Java build: $jsa.id holds both, and its mtime
# is that of the java binary, so a moved tree or an updated Java runs without
# the archive (silently) until "bin/$prog --regenerate-cds" is run again.

cds_fits() {
    [ -f "$jsa" ] && [ -r "$jsa.id" ] && { read -r id_home && read -r id_java; } 2>/dev/null <"$jsa.id" &&
        [ "$id_home" = "$home" ] && [ "$id_java" = "$java" ] &&
        ! [ "$java" -nt "$jsa.id" ] && ! [ "$java" -ot "$jsa.id" ]
}

cds_dump() {
    cds_tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prog-dump.XXXXXX") || return 1
    java_home=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p')
    jdk_list=$java_home/lib/classlist
    [ -f "$jdk_list" ] || jdk_list=/dev/null
    awk '!seen[$0]++' "$jdk_list" "$@" >"$cds_tmp/all.classlist"
    rm -f "$jsa.tmp"
    # shellcheck disable=SC2086
    if ! "$java" $opts -Xshare:dump -Xlog:cds=error:stderr -XX:SharedClassListFile="$cds_tmp/all.classlist" \
        -XX:SharedArchiveFile="$jsa.tmp" -cp "$cp" >"$cds_tmp/dump.log" 2>&1 || [ ! -s "$jsa.tmp" ]; then
        echo "$prog --regenerate-cds: -Xshare:dump failed:" >&2
        cat "$cds_tmp/dump.log" >&2
        rm -rf "$jsa.tmp" "$cds_tmp"
        return 1
    fi
    rm -rf "$cds_tmp"
    printf '%s\n%s\n' "$home" "$java" >"$jsa.id.tmp" && touch -r "$java" "$jsa.id.tmp" || return 1
    rm -f "$jsa.id"
    mv -f "$jsa.tmp" "$jsa" && mv -f "$jsa.id.tmp" "$jsa.id" || return 1
    echo "$prog: wrote $jsa" >&2
}
