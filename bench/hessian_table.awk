# hessian_table.awk: bench_hessian's and torch_hessian.py's lines
# ("KIND M N PEER MS") as Markdown tables, one row per size, with the
# ratios of issue 12's targets.
!/^#/ && NF == 5 {
    key = $2 " " $3
    if (!(key in seen)) { seen[key] = 1; order[++nsizes] = key }
    t[$1, key, $4] = $5
    if (!(($1, $4) in haspeer)) { haspeer[$1, $4] = 1; peers[$1, ++np[$1]] = $4 }
}
function fastest_torch(kind, key,    k, p, best) {
    best = ""
    for (k = 1; k <= np[kind]; k++) {
        p = peers[kind, k]
        if (p ~ /^(torch|functorch)/ && (kind, key, p) in t && (best == "" || t[kind, key, p] + 0 < best + 0))
            best = t[kind, key, p]
    }
    return best
}
function table(kind,    k, s, key, line, ft, b, h, c) {
    line = "| m, n |"
    for (k = 1; k <= np[kind]; k++) line = line " " peers[kind, k] " |"
    if (kind == "hessian")
        line = line " blas / hand | fastest torch / blas | fastest torch / best nnderive |"
    else
        line = line " fastest torch / best nnderive |"
    print line
    line = "|---|"
    for (k = 1; k <= np[kind] + (kind == "hessian" ? 3 : 1); k++) line = line "---|"
    print line
    for (s = 1; s <= nsizes; s++) {
        key = order[s]
        line = "| " key " |"
        for (k = 1; k <= np[kind]; k++)
            line = line " " ((kind, key, peers[kind, k]) in t ? t[kind, key, peers[kind, k]] : "-") " |"
        ft = fastest_torch(kind, key)
        if (kind == "hessian") {
            b = t[kind, key, "nnderive_c_blas"]; h = t[kind, key, "hand_openblas_dsyrk"]
            c = t[kind, key, "nnderive_c"]
            if (c + 0 < b + 0) b2 = c; else b2 = b
            line = line sprintf(" %.2f |", b / h)
            line = line (ft == "" ? " - | - |" : sprintf(" %.1f | %.1f |", ft / b, ft / b2))
        } else {
            b = t[kind, key, "nnderive_c_hvp"]; c = t[kind, key, "nnderive_c_blas_hvp"]
            if (c + 0 < b + 0) b = c
            line = line (ft == "" ? " - |" : sprintf(" %.1f |", ft / b))
        }
        print line
    }
}
END {
    print "Hessian, median ms (the best of three medians):"
    print ""
    table("hessian")
    print ""
    print "Hessian-vector product, median ms:"
    print ""
    table("hvp")
}
