# codegen_table.awk: the result lines of bench_codegen.c, torch_bench.py
# and numpy_bench.py as one table: a row per problem and size, a column per
# peer, each cell the median time per call and its ratio to hand-C.  Warns
# where a peer's objective L or gradient sum |g| differs from hand-C's by
# more than 1e-9 relative (their inputs are the same numbers).

function fmt(us) {
    return us >= 1000 ? sprintf("%.3f ms", us / 1000) : sprintf("%.3f us", us)
}

function value(field) {     # "L=1.5e+07" -> 1.5e+07
    sub(/^[^=]*=/, "", field)
    return field + 0
}

function differs(a, b,    d) {
    d = a - b
    return d * d > 1e-18 * b * b
}

$4 == "median" {
    row = $1 " " $2
    peer = $3
    if (!(row in seen)) { seen[row] = 1; rows[++nrows] = row }
    if (!(peer in seenp)) { seenp[peer] = 1; peers[++npeers] = peer }
    t[row, peer] = $5
    L[row, peer] = value($(NF - 1))
    g[row, peer] = value($NF)
}

function cell(row, peer,    k, h) {
    k = row SUBSEP peer
    h = row SUBSEP "hand-C"
    if (!(k in t))
        return "-"
    if (!(h in t) || peer == "hand-C")
        return fmt(t[k])
    if (differs(L[k], L[h]) || differs(g[k], g[h]))
        warnings = warnings "# " row ", " peer ": L or |g| differs from hand-C\n"
    return fmt(t[k]) sprintf(" (%.2fx)", t[k] / t[h])
}

END {
    printf "%-26s", "problem size"
    for (p = 1; p <= npeers; p++)
        printf " %-22s", peers[p]
    printf "\n"
    for (r = 1; r <= nrows; r++) {
        printf "%-26s", rows[r]
        for (p = 1; p <= npeers; p++)
            printf " %-22s", cell(rows[r], peers[p])
        printf "\n"
    }
    printf "(median time per call; in parentheses, the ratio to hand-C)\n"
    printf "%s", warnings
}
