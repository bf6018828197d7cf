// GiNaC anchor for the multivariate workloads of the nabla benchmark harness.
//
// Build:  g++ -O2 -o multi multi.cpp $(pkg-config --cflags --libs ginac)
// Usage:  multi [--deep] [--timeout S] [--reps R]
//
// Prints one line per workload:  name<TAB>nanoseconds_per_op<TAB>extra
//
//   hessian_n100     full 100×100 Hessian of the Rosenbrock function
//   hessian_n1000    the same for n = 1000
//   hessian_n10000   the same for n = 10000 (only with --deep)
//   prodgrad_n500    all 500 partial derivatives of x1·x2·…·x500
//                    (only with --deep); extra chars = total printed size
//
// The Hessian is built the way a GiNaC user writes it: g_i = f.diff(x_i)
// for every i, then H(i,j) = g_i.diff(x_j) for every i and j, stored in a
// dense n×n GiNaC matrix (structurally zero entries are the number 0).
// n = 100 reports the mean of R timed runs (default 5) after one untimed
// run; larger n runs once.
//
// A workload that exceeds --timeout seconds (default 180) is abandoned
// between rows; its line then has an empty time and extra
// "timeout=S,done=K/N".  Each result is verified (shape, ∂²f/∂x1² =
// 1200 x1² − 400 x2 + 2, ∂²f/∂x1∂x2 = −400 x1, ∂²f/∂x1∂x3 = 0, symmetry,
// number of nonzero entries 3n − 2); a failed check is reported in extra
// and makes the program exit with status 1.

#include <ginac/ginac.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace GiNaC;
using Clock = std::chrono::steady_clock;

namespace {

std::size_t g_sink = 0;
bool g_failed = false;

double elapsed_s(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void emit(const std::string& name, double ns, const std::string& extra) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(0);
    os << name << '\t';
    if (ns >= 0) os << ns;
    os << '\t' << extra << '\n';
    std::cout << os.str() << std::flush;
}

std::vector<symbol> make_symbols(int n) {
    std::vector<symbol> xs;
    xs.reserve(n);
    for (int i = 1; i <= n; ++i) xs.emplace_back("x" + std::to_string(i));
    return xs;
}

ex rosenbrock(const std::vector<symbol>& xs) {
    exvector terms;
    terms.reserve(2 * xs.size());
    for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
        terms.push_back(100 * pow(xs[i + 1] - pow(xs[i], 2), 2));
        terms.push_back(pow(1 - xs[i], 2));
    }
    return add(terms);
}

// Computes the Hessian; returns false if the deadline passed (rows_done
// tells how far it got).
bool hessian(const ex& f, const std::vector<symbol>& xs, matrix& h, double timeout,
             int& rows_done) {
    const std::size_t n = xs.size();
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        ex gi = f.diff(xs[i]);
        for (std::size_t j = 0; j < n; ++j) h(i, j) = gi.diff(xs[j]);
        rows_done = static_cast<int>(i + 1);
        if (timeout > 0 && elapsed_s(t0) > timeout && i + 1 < n) return false;
    }
    return true;
}

std::string check_hessian(const matrix& h, const std::vector<symbol>& xs) {
    const std::size_t n = xs.size();
    std::vector<std::string> bad;
    if (h.rows() != n || h.cols() != n) bad.push_back("shape");
    const symbol &x1 = xs[0], &x2 = xs[1];
    if (!(h(0, 0) - (1200 * pow(x1, 2) - 400 * x2 + 2)).expand().is_zero()) bad.push_back("H11");
    if (!(h(0, 1) + 400 * x1).expand().is_zero()) bad.push_back("H12");
    if (n > 2 && !h(0, 2).is_zero()) bad.push_back("H13");
    if (!(h(n - 1, n - 1) - 200).expand().is_zero()) bad.push_back("Hnn");
    std::size_t nonzero = 0;
    bool symmetric = true;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            if (!h(i, j).is_zero()) ++nonzero;
            if (j > i && !h(i, j).is_equal(h(j, i))) symmetric = false;
        }
    }
    if (!symmetric) bad.push_back("symmetry");
    if (nonzero != 3 * n - 2) bad.push_back("nonzero");
    std::ostringstream os;
    os << "rows=" << h.rows() << ",cols=" << h.cols() << ",nonzero=" << nonzero << ",check=";
    if (bad.empty()) {
        os << "ok";
    } else {
        g_failed = true;
        for (std::size_t k = 0; k < bad.size(); ++k) os << (k ? "+" : "") << bad[k];
        os << "-FAILED";
    }
    return os.str();
}

void bench_hessian(int n, int reps, double timeout) {
    const std::string name = "hessian_n" + std::to_string(n);
    auto xs = make_symbols(n);
    ex f = rosenbrock(xs);
    matrix h(n, n);
    int rows = 0;
    if (reps > 1) {  // untimed warm-up
        if (!hessian(f, xs, h, timeout, rows)) {
            emit(name, -1, "timeout=" + std::to_string(static_cast<int>(timeout)) +
                               ",done=" + std::to_string(rows) + "/" + std::to_string(n));
            return;
        }
    }
    double total = 0;
    for (int r = 0; r < reps; ++r) {
        matrix hr(n, n);
        auto t0 = Clock::now();
        bool ok = hessian(f, xs, hr, timeout, rows);
        total += elapsed_s(t0);
        if (!ok) {
            emit(name, -1, "timeout=" + std::to_string(static_cast<int>(timeout)) +
                               ",done=" + std::to_string(rows) + "/" + std::to_string(n));
            return;
        }
        g_sink += hr(0, 0).gethash();
        if (r == reps - 1) h = hr;
    }
    emit(name, total / reps * 1e9, check_hessian(h, xs) + ",reps=" + std::to_string(reps));
}

void bench_prodgrad(int n, double timeout) {
    const std::string name = "prodgrad_n" + std::to_string(n);
    auto xs = make_symbols(n);
    exvector factors(xs.begin(), xs.end());
    ex p = mul(factors);
    exvector g(n);
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
        g[i] = p.diff(xs[i]);
        if (timeout > 0 && elapsed_s(t0) > timeout && i + 1 < n) {
            emit(name, -1, "timeout=" + std::to_string(static_cast<int>(timeout)) +
                               ",done=" + std::to_string(i + 1) + "/" + std::to_string(n));
            return;
        }
    }
    double ns = elapsed_s(t0) * 1e9;
    std::size_t chars = 0;
    for (const auto& e : g) {
        std::ostringstream os;
        os << e;
        chars += os.str().size();
    }
    bool ok = (g[0] * xs[0] - p).is_zero() && (g[n - 1] * xs[n - 1] - p).is_zero() &&
              g[0].nops() == static_cast<std::size_t>(n - 1);
    if (!ok) g_failed = true;
    emit(name, ns, "chars=" + std::to_string(chars) + ",check=" + (ok ? "ok" : "FAILED"));
}

}  // namespace

int main(int argc, char** argv) {
    bool deep = false;
    double timeout = 180;
    int reps = 5;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--deep") {
            deep = true;
        } else if (a == "--timeout" && i + 1 < argc) {
            timeout = std::atof(argv[++i]);
        } else if (a == "--reps" && i + 1 < argc) {
            reps = std::max(1, std::atoi(argv[++i]));
        } else {
            std::cerr << "usage: " << argv[0] << " [--deep] [--timeout S] [--reps R]\n";
            return 2;
        }
    }

    bench_hessian(100, reps, timeout);
    bench_hessian(1000, 1, timeout);
    if (deep) {
        bench_hessian(10000, 1, timeout);
        bench_prodgrad(500, timeout);
    }

    if (g_sink == 42) std::cerr << "";
    return g_failed ? 1 : 0;
}
