// grokking: the command-line program. Dispatches to one cmd_<verb>.cc per subcommand and maps
// grok::Error to exit codes (1 runtime, 2 usage), printing one clear line.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "grokking/cluster/mpi_world.h"
#include "grokking/core/error.h"
#include "grokking/core/gemm.h"
#include "grokking/core/options.h"
#include "grokking/train/stop_signal.h"

namespace {

struct Command {
  const char* verb;
  int (*run)(int, const char* const*);
  const char* summary;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"train", grok::cli::cmd_train, "train a transformer on a modular arithmetic task"},
      {"distill", grok::cli::cmd_distill, "distil a trained teacher into a smaller student"},
      {"teacher-logits", grok::cli::cmd_teacher_logits,
       "store a teacher's top-k logits per example in HDF5 (for distill --teacher_logits)"},
      {"experiment", grok::cli::cmd_experiment,
       "sweep teachers, students, strategies and seeds; manifest and statistics"},
      {"analyze", grok::cli::cmd_analyze,
       "measure models on the validation split (CKA, rank, entropy, weights, Fourier)"},
      {"predict", grok::cli::cmd_predict,
       "logits and predictions of a model on a split (safetensors or .npy)"},
      {"plot", grok::cli::cmd_plot, "draw training curves and run comparisons (gnuplot)"},
      {"report", grok::cli::cmd_report,
       "figures, tables and report.md of an experiment directory (gnuplot)"},
      {"inspect", grok::cli::cmd_inspect, "print and verify a checkpoint directory"},
      {"data", grok::cli::cmd_data, "write a task's train/val split as CSV"},
  };
  return list;
}

void print_usage() {
  fmt::print(
      "grokking {} — train transformers until they grok, distil and analyse them.\n\n"
      "usage: grokking <command> [options]    (grokking <command> --help for its options)\n\n"
      "commands:\n",
      GROK_VERSION);
  for (const auto& c : commands()) fmt::print("  {:<15} {}\n", c.verb, c.summary);
  fmt::print(
      "\nexit codes: 0 success, 1 runtime failure, 2 usage error, 130/143 stopped by "
      "SIGINT/SIGTERM after checkpointing\n");
}

// Under mpirun every rank meets the same bad option: only rank 0 says so.
void print_error(const std::string& verb, const char* what) {
  if (grok::MpiWorld::environment_rank() != 0) return;
  fmt::print(stderr, "grokking {}: error: {}\n", verb, what);
}

}  // namespace

// GNU OpenMP's idle threads spin for a long time before sleeping; when another process holds
// one of the cores, every parallel region then waits for a descheduled thread, and two threads
// run several times slower than one (docs/PERFORMANCE.md, "Two threads on a busy machine").
// The wait policy is read when libgomp loads, before main(), so unless the user chose one we
// set OMP_WAIT_POLICY=PASSIVE and re-execute ourselves once.
static void choose_openmp_wait_policy(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run with the default policy
}

int main(int argc, char** argv) {
  choose_openmp_wait_policy(argv);
  grok::start_signal_thread();  // before any other thread: stop signals go to it alone
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    if (argc >= 3 && std::strcmp(argv[1], "help") == 0) {
      const char* forwarded[] = {argv[2], "--help"};
      for (const auto& c : commands())
        if (c.verb == std::string(argv[2])) return c.run(2, forwarded);
    }
    print_usage();
    return argc < 2 ? grok::kExitUsage : grok::kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    fmt::print("grokking {} (gemm: {})\n", GROK_VERSION, grok::gemm_backend_name());
    return grok::kExitOk;
  }
  const std::string verb = argv[1];
  for (const auto& c : commands()) {
    if (verb != c.verb) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const grok::Error& e) {
      print_error(verb, e.what());
      return e.exit_code();
    } catch (const std::exception& e) {
      print_error(verb, e.what());
      return grok::kExitRuntime;
    }
  }
  std::vector<std::string> verbs;
  for (const auto& c : commands()) verbs.push_back(c.verb);
  const std::string hint = grok::closest_name(verb, verbs);
  fmt::print(stderr, "grokking: unknown command '{}'{}; see grokking --help\n", verb,
             hint.empty() ? "" : " (did you mean '" + hint + "'?)");
  return grok::kExitUsage;
}
