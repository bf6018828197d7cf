// GiNaC anchor for the nabla benchmark harness.
//
// Build:  g++ -O2 -o bench bench.cpp $(pkg-config --cflags --libs ginac)
// Usage:  bench [--deep] [--batch FILE] [--dump-expsin15 FILE] [--seconds S]
//         bench --stdin
//
// Prints one line per workload:  name<TAB>nanoseconds_per_op<TAB>extra
//
//   seed_derivative      mean ns for one parse + diff of a seed expression,
//                        cycling through the 12 seed expressions
//   batch1200_inprocess  total ns to parse + diff every line of FILE (--batch)
//   expsin15             ns for one 15th derivative of exp(sin(x)) from text
//   nested200            ns for d/dx sin(sin(...sin(x)...)), 200 deep
//   nested2000           the same, 2000 deep (only with --deep)
//
// With --stdin it runs no workload but does what `nabla diff - --wrt x`
// does, so that the two can be timed alike as whole processes: every line
// of standard input parsed, differentiated with respect to x and printed,
// a line each (an error message in place of a line GiNaC cannot read).
//
// GiNaC evaluates automatically on construction; no further simplification
// step is applied to the derivatives.

#include <ginac/ginac.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace GiNaC;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> kSeed = {
    "x^2",           "x^6",           "x^5-x^2+x",     "x^2-4*x+3",
    "sin(2*x+1)",    "(sin(x^4))^5",  "x^3*sin(x)",    "(x^2+5*x+6)^10",
    "exp(x)",        "(x^2+1)/(x-1)", "x^x",           "x^n",
};

// Sink that keeps results observable so no work can be elided.
std::size_t g_sink = 0;

int64_t elapsed_ns(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

void emit(const std::string& name, double ns, const std::string& extra) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(0);
    os << name << '\t' << ns << '\t' << extra << '\n';
    std::cout << os.str() << std::flush;
}

std::string nested_sin_text(int depth) {
    std::string s;
    s.reserve(depth * 5 + 1);
    for (int i = 0; i < depth; ++i) s += "sin(";
    s += "x";
    s.append(depth, ')');
    return s;
}

}  // namespace

int diff_stdin();

int main(int argc, char** argv) {
    bool deep = false;
    std::string batch_file;
    std::string dump_file;
    double seconds = 1.0;  // target wall time for the seed loop
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--deep") {
            deep = true;
        } else if (a == "--batch" && i + 1 < argc) {
            batch_file = argv[++i];
        } else if (a == "--dump-expsin15" && i + 1 < argc) {
            dump_file = argv[++i];
        } else if (a == "--stdin" && argc == 2) {
            return diff_stdin();
        } else if (a == "--seconds" && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else {
            std::cerr << "usage: " << argv[0]
                      << " [--deep] [--batch FILE] [--dump-expsin15 FILE] [--seconds S]\n"
                      << "       " << argv[0] << " --stdin\n";
            return 2;
        }
    }

    symbol x("x"), n("n");
    symtab table;
    table["x"] = x;
    table["n"] = n;
    parser reader(table);

    // --- A: seed set -------------------------------------------------------
    {
        // Warm-up pass (also validates every expression).
        for (const auto& s : kSeed) g_sink += reader(s).diff(x).nops();

        // Calibrate: run whole passes until the time budget is spent.
        int64_t total_ns = 0;
        int64_t ops = 0;
        const int64_t budget = static_cast<int64_t>(seconds * 1e9);
        while (total_ns < budget) {
            auto t0 = Clock::now();
            for (int rep = 0; rep < 100; ++rep) {
                for (const auto& s : kSeed) {
                    ex d = reader(s).diff(x);
                    g_sink += d.gethash();
                }
            }
            total_ns += elapsed_ns(t0);
            ops += 100 * static_cast<int64_t>(kSeed.size());
        }
        emit("seed_derivative", static_cast<double>(total_ns) / ops,
             "ops=" + std::to_string(ops));
    }

    // --- B: batch file -----------------------------------------------------
    if (!batch_file.empty()) {
        std::ifstream in(batch_file);
        if (!in) {
            std::cerr << "cannot open " << batch_file << "\n";
            return 1;
        }
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) lines.push_back(line);

        int64_t best = -1;
        for (int run = 0; run < 3; ++run) {
            auto t0 = Clock::now();
            for (const auto& s : lines) g_sink += reader(s).diff(x).gethash();
            int64_t t = elapsed_ns(t0);
            if (best < 0 || t < best) best = t;
        }
        emit("batch1200_inprocess", static_cast<double>(best),
             "lines=" + std::to_string(lines.size()) + ",best_of=3");
    }

    // --- C: 15th derivative of exp(sin(x)) ---------------------------------
    {
        const int reps = 5;
        ex result;
        auto t0 = Clock::now();
        for (int r = 0; r < reps; ++r) {
            result = reader("exp(sin(x))").diff(x, 15);
            g_sink += result.gethash();
        }
        double ns = static_cast<double>(elapsed_ns(t0)) / reps;
        std::ostringstream text;
        text << result;
        std::string s = text.str();
        emit("expsin15", ns, "terms=" + std::to_string(result.nops()) +
                                 ",chars=" + std::to_string(s.size()));
        if (!dump_file.empty()) {
            std::ofstream out(dump_file);
            out << s << '\n';
        }
    }

    // --- D: nested sin -----------------------------------------------------
    {
        std::vector<int> depths = {200};
        if (deep) depths.push_back(2000);
        for (int depth : depths) {
            const std::string text = nested_sin_text(depth);
            const int reps = depth <= 200 ? 10 : 1;
            auto t0 = Clock::now();
            for (int r = 0; r < reps; ++r) g_sink += reader(text).diff(x).gethash();
            double ns = static_cast<double>(elapsed_ns(t0)) / reps;
            emit("nested" + std::to_string(depth), ns, "reps=" + std::to_string(reps));
        }
    }

    if (g_sink == 42) std::cerr << "";  // keep g_sink live
    return 0;
}

// diff_stdin prints the derivative of every line of standard input with
// respect to x, a line each, through one buffered stream.
int diff_stdin() {
    std::ios::sync_with_stdio(false);
    symbol x("x"), n("n");
    symtab table;
    table["x"] = x;
    table["n"] = n;
    parser reader(table);
    std::ostringstream out;
    for (std::string line; std::getline(std::cin, line);) {
        if (line.empty()) {
            out << '\n';
            continue;
        }
        try {
            out << reader(line).diff(x) << '\n';
        } catch (const std::exception& e) {
            out << "error: " << e.what() << '\n';
        }
    }
    std::cout << out.str() << std::flush;
    return 0;
}
