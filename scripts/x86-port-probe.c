/*
 * x86-port-probe: throughput of the vector instructions our Montgomery multiply is made of,
 * at 256 and 512 bits, and the core clock with and without a 512-bit multiply load.
 * A measurement aid for BENCHMARKS.md ("Why AVX-512 gains less on Intel"); not part of the
 * build. Needs an AVX-512 (F, IFMA) CPU and gcc:
 *
 *     gcc -O1 -o /tmp/x86-port-probe scripts/x86-port-probe.c && taskset -c 1 /tmp/x86-port-probe
 *
 * Cycles come from a dependent chain of register `add`s (1 cycle each; `add $imm` chains are
 * folded at rename on recent Intel cores, so the chain adds a register). Each throughput loop
 * issues 8 independent instructions per iteration; "per cycle" is instructions per core clock.
 * Every time is the best of several runs, so that a shared machine disturbs it less; the
 * clock estimate can still move with the load, the ymm/zmm ratio of a row much less.
 */
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define N 10000000L
#define BEST 9 /* every figure is the best of BEST runs (the machine may be shared) */
#define REP8(x) x x x x x x x x

/* Seconds per link of a dependent chain of 1-cycle adds. */
static double chain(void) {
    long a = 0, b = 1;
    double t = now();
    for (long i = 0; i < N; i++) __asm__ volatile(REP8("add %1, %0\n\t") : "+r"(a) : "r"(b));
    return (now() - t) / (N * 8.0);
}

#define CLOBBER "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9"
#define TP(name, ins, r)                                                                       \
    static double name(void) {                                                                 \
        double t = now();                                                                      \
        for (long i = 0; i < N; i++)                                                           \
            __asm__ volatile(ins(r, 0) ins(r, 1) ins(r, 2) ins(r, 3) ins(r, 4) ins(r, 5)      \
                                 ins(r, 6) ins(r, 7) ::: CLOBBER);                            \
        return (now() - t) / (N * 8.0);                                                        \
    }
#define MULUDQ(r, i) "vpmuludq %%" r "8, %%" r "9, %%" r #i "\n\t"
#define PSHUFD(r, i) "vpshufd $0xf5, %%" r "8, %%" r #i "\n\t"
#define PSRLQ(r, i) "vpsrlq $32, %%" r "8, %%" r #i "\n\t"
#define PADDD(r, i) "vpaddd %%" r "8, %%" r "9, %%" r #i "\n\t"
#define PMINUD(r, i) "vpminud %%" r "8, %%" r "9, %%" r #i "\n\t"
#define PMULLD(r, i) "vpmulld %%" r "8, %%" r "9, %%" r #i "\n\t"
#define PERMT2D(r, i) "vpermt2d %%" r "8, %%" r "9, %%" r #i "\n\t"
#define MADD52LUQ(r, i) "vpmadd52luq %%" r "8, %%" r "9, %%" r #i "\n\t"
TP(muludq_y, MULUDQ, "ymm") TP(muludq_z, MULUDQ, "zmm")
TP(pshufd_y, PSHUFD, "ymm") TP(pshufd_z, PSHUFD, "zmm")
TP(psrlq_y, PSRLQ, "ymm") TP(psrlq_z, PSRLQ, "zmm")
TP(paddd_y, PADDD, "ymm") TP(paddd_z, PADDD, "zmm")
TP(pminud_y, PMINUD, "ymm") TP(pminud_z, PMINUD, "zmm")
TP(pmulld_y, PMULLD, "ymm") TP(pmulld_z, PMULLD, "zmm")
TP(permt2d_y, PERMT2D, "ymm") TP(permt2d_z, PERMT2D, "zmm")
TP(madd52_y, MADD52LUQ, "ymm") TP(madd52_z, MADD52LUQ, "zmm")

/* Clock while 6 independent vpmuludq of width w (0 none, 1 ymm, 2 zmm) run beside a 4-add
 * chain per iteration: the chain (4 cycles) is the bound, the multiplies need 3 cycles. */
#define CH "add %%rbx,%%rax\n\t add %%rbx,%%rax\n\t add %%rbx,%%rax\n\t add %%rbx,%%rax\n\t"
#define M6(r) MULUDQ(r, 0) MULUDQ(r, 1) MULUDQ(r, 2) MULUDQ(r, 3) MULUDQ(r, 4) MULUDQ(r, 5)
static double clock_ghz(int w) {
    double t = now();
    for (long i = 0; i < N; i++) {
        if (w == 0) __asm__ volatile(CH ::: "rax", "rbx");
        else if (w == 1) __asm__ volatile(CH M6("ymm") ::: "rax", "rbx", CLOBBER);
        else __asm__ volatile(CH M6("zmm") ::: "rax", "rbx", CLOBBER);
    }
    return 1e-9 * N * 4 / (now() - t);
}

static double best_of(double (*f)(void)) {
    double b = 1e9;
    for (int r = 0; r < BEST; r++) {
        double t = f();
        if (t < b) b = t;
    }
    return b;
}

int main(void) {
    double c = best_of(chain);
    printf("core clock from the add chain: %.2f GHz\n", 1e-9 / c);
    printf("%-12s %14s %14s %10s\n", "instruction", "ymm per cycle", "zmm per cycle", "zmm/ymm");
#define ROW(n, y, z)                                                                           \
    {                                                                                          \
        double ty = best_of(y), tz = best_of(z);                                               \
        printf("%-12s %14.2f %14.2f %10.2f\n", n, c / ty, c / tz, ty / tz);                    \
    }
    ROW("vpmuludq", muludq_y, muludq_z)
    ROW("vpshufd", pshufd_y, pshufd_z)
    ROW("vpsrlq", psrlq_y, psrlq_z)
    ROW("vpaddd", paddd_y, paddd_z)
    ROW("vpminud", pminud_y, pminud_z)
    ROW("vpmulld", pmulld_y, pmulld_z)
    ROW("vpermt2d", permt2d_y, permt2d_z)
    ROW("vpmadd52luq", madd52_y, madd52_z)
    printf("clock beside 6 vpmuludq per 4 cycles (best of %d): ", 4 * BEST);
    double best[3] = {0, 0, 0};
    for (int r = 0; r < 4 * BEST; r++)
        for (int w = 0; w < 3; w++) {
            double g = clock_ghz(w);
            if (g > best[w]) best[w] = g;
        }
    printf("none %.2f GHz, ymm %.2f GHz, zmm %.2f GHz\n", best[0], best[1], best[2]);
    return 0;
}
