#include "grokking/experiment/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "grokking/core/error.h"
#include "grokking/core/json_io.h"
#include "grokking/core/timer.h"
#include "grokking/experiment/schedule.h"
#include "grokking/experiment/trial_command.h"
#include "grokking/train/progress.h"
#include "grokking/train/stop_signal.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

class Runner {
 public:
  Runner(const std::vector<Trial>& plan, const RunnerOptions& options, TrialSlots& slots)
      : plan_(plan),
        options_(options),
        slots_(slots),
        records_(plan.size()),
        order_(start_order(plan)),
        progress_(1, options.quiet) {
    const auto previous = read_manifest_records(manifest_path());
    for (std::size_t i = 0; i < plan_.size(); ++i) {
      records_[i].id = plan_[i].id;
      index_[plan_[i].id] = i;
      if (!plan_[i].checkpoint.empty()) {  // a given teacher: nothing to run
        records_[i].status = TrialStatus::kCompleted;
        records_[i].note = "given checkpoint";
      }
    }
    for (const auto& old : previous) {
      const auto it = index_.find(old.id);
      if (it == index_.end() || old.status != TrialStatus::kCompleted) continue;
      records_[it->second] = old;
    }
  }

  RunnerResult run() {
    install_stop_handlers();
    int completed_before = count(TrialStatus::kCompleted);
    if (completed_before > 0)
      progress_.message(fmt::format("{} of {} trials already completed; continuing",
                                    completed_before, plan_.size()));
    write_manifest();
    while (true) {
      apply_skips();
      if (stop_signal() == 0) launch_ready();
      if (running_.empty()) break;
      if (const auto done = slots_.wait_any()) finish(*done);
      if (const int signal = stop_signal(); signal != 0) {
        if (!forwarded_) forward_stop(signal);
        if (stopping_.seconds() > kStopGraceSeconds) {
          abandon_running();
          break;
        }
      }
    }
    RunnerResult result;
    result.wall_s = study_.seconds();
    for (const double w : wall_) result.trial_s += w;
    if (!wall_.empty())
      progress_.message(fmt::format(
          "study wall time {}, {} of trial time in {} trials: {:.0f} % of {} job slot(s) busy",
          format_duration(result.wall_s), format_duration(result.trial_s), wall_.size(),
          100 * result.trial_s / (result.wall_s * slots_.capacity()), slots_.capacity()));
    if (const int signal = stop_signal(); signal != 0) {
      result.exit_code = stop_exit_code(signal);
    } else if (count(TrialStatus::kFailed) > 0) {
      result.exit_code = kExitRuntime;
    }
    progress_.message(fmt::format(
        "{} completed, {} skipped, {} failed, {} not run (of {})", count(TrialStatus::kCompleted),
        count(TrialStatus::kSkipped), count(TrialStatus::kFailed),
        count(TrialStatus::kQueued) + count(TrialStatus::kInterrupted), plan_.size()));
    result.records = records_;
    return result;
  }

 private:
  fs::path manifest_path() const { return options_.out / "manifest.json"; }

  void write_manifest() const {
    write_json_file_atomic(manifest_path(),
                           manifest_json(options_.out, plan_, records_, options_.grok));
  }

  int count(TrialStatus status) const {
    return static_cast<int>(
        std::count_if(records_.begin(), records_.end(),
                      [&](const TrialRecord& r) { return r.status == status; }));
  }

  bool finished(const std::string& id) const {
    const TrialStatus s = records_[index_.at(id)].status;
    return s == TrialStatus::kCompleted || s == TrialStatus::kSkipped;
  }

  // Students of failed or stopped-chain parents, and controls of all-skipped students.
  void apply_skips() {
    std::map<std::string, double> val_acc;
    for (const auto& r : records_)
      if (r.status == TrialStatus::kCompleted && r.val_acc) val_acc[r.id] = *r.val_acc;
    bool changed = false;
    for (const auto& id : trials_to_skip(plan_, val_acc, options_.threshold)) {
      TrialRecord& r = records_[index_.at(id)];
      if (r.status != TrialStatus::kQueued && r.status != TrialStatus::kInterrupted) continue;
      r.status = TrialStatus::kSkipped;
      r.note = "recursion stopped: a round before it finished below the grokking threshold";
      changed = true;
    }
    for (std::size_t i = 0; i < plan_.size(); ++i) {
      TrialRecord& r = records_[i];
      if (r.status != TrialStatus::kQueued && r.status != TrialStatus::kInterrupted) continue;
      for (const auto& dep : plan_[i].depends_on) {
        if (records_[index_.at(dep)].status != TrialStatus::kFailed) continue;
        r.status = TrialStatus::kFailed;
        r.note = fmt::format("not run: {} failed", dep);
        changed = true;
        break;
      }
    }
    if (changed) write_manifest();
  }

  // Ready trials in start_order (schedule.h): the critical path first, then the longest.
  void launch_ready() {
    for (std::size_t n = 0; n < order_.size() && slots_.busy() < slots_.capacity(); ++n) {
      const std::size_t i = order_[n];
      TrialRecord& r = records_[i];
      if (r.status != TrialStatus::kQueued && r.status != TrialStatus::kInterrupted) continue;
      const Trial& t = plan_[i];
      if (!std::all_of(t.depends_on.begin(), t.depends_on.end(),
                       [&](const std::string& dep) { return finished(dep); }))
        continue;
      const fs::path dir = trial_dir(options_.out, t);
      const std::vector<std::string> args =
          write_trial_command(options_.out, t, plan_, options_.tensorboard);
      const std::string where = slots_.start(i, args, dir / "log.txt");
      running_[i] = where;
      started_[i] = Stopwatch();
      r.status = TrialStatus::kRunning;
      r.note.clear();
      write_manifest();
      report(where.empty() ? fmt::format("started {}", t.id)
                           : fmt::format("started {} on {}", t.id, where));
    }
  }

  // Names each running trial (and where it runs) before forwarding: if a rank of an MPI job
  // died, this is the line that says which trials it took with it.
  void forward_stop(int signal) {
    std::vector<std::string> names;
    for (const auto& [i, where] : running_)
      names.push_back(where.empty() ? plan_[i].id : fmt::format("{} on {}", plan_[i].id, where));
    progress_.message(fmt::format("signal {}: stopping {} running trial(s) (they checkpoint): {}",
                                  signal, running_.size(), fmt::join(names, ", ")));
    for (const auto& [i, where] : running_) {
      records_[i].status = TrialStatus::kInterrupted;
      records_[i].note = "stopped by a signal; resumes from its checkpoint on the next run";
    }
    write_manifest();
    slots_.signal_all(signal);
    forwarded_ = true;
    stopping_ = Stopwatch();
  }

  // Trials that did not report within the grace period after a stop (a rank that died):
  // already recorded as interrupted; they resume from their own checkpoints on the next run.
  void abandon_running() {
    for (const auto& [i, where] : running_)
      progress_.message(
          fmt::format("{} did not report within {} s of the stop{}; recorded as "
                      "interrupted",
                      plan_[i].id, kStopGraceSeconds, where.empty() ? "" : " (" + where + ")"));
    running_.clear();
  }

  void finish(const FinishedTrial& done) {
    const auto it = running_.find(done.index);
    if (it == running_.end()) return;
    const std::size_t i = it->first;
    running_.erase(it);
    const Trial& t = plan_[i];
    TrialRecord& r = records_[i];
    const int code = done.exit_code;
    const fs::path dir = trial_dir(options_.out, t);
    std::string event;
    if (code == 0) {
      try {
        r = read_trial_results(dir, t, options_.grok);
        wall_.push_back(started_[i].seconds());
        event = fmt::format("finished {}: val {:.2f}%, 99% at epoch {}, {:.0f} s", t.id,
                            100 * r.val_acc.value_or(0),
                            r.epoch_to_99 ? std::to_string(*r.epoch_to_99) : "-",
                            started_[i].seconds());
      } catch (const Error& e) {
        r.status = TrialStatus::kFailed;
        r.note = e.what();
        event = fmt::format("FAILED {}: {}", t.id, e.what());
      }
    } else if (code == kExitSigint || code == kExitSigterm) {
      r.status = TrialStatus::kInterrupted;
      r.note = "stopped by a signal; resumes from its checkpoint on the next run";
      event = fmt::format("interrupted {}", t.id);
    } else {
      r.status = TrialStatus::kFailed;
      r.note = fmt::format("exit code {}; see {}", code, (dir / "log.txt").string());
      event = fmt::format("FAILED {}: {}", t.id, r.note);
    }
    write_manifest();  // the record is durable before it is announced
    report(event);
  }

  void report(const std::string& event) {
    const int done =
        count(TrialStatus::kCompleted) + count(TrialStatus::kSkipped) + count(TrialStatus::kFailed);
    const int queued = count(TrialStatus::kQueued) + count(TrialStatus::kInterrupted);
    std::string eta = "?";
    if (!wall_.empty()) {
      double mean = 0;
      for (double w : wall_) mean += w;
      mean /= static_cast<double>(wall_.size());
      eta = format_duration(mean * (queued + 0.5 * static_cast<double>(running_.size())) /
                            std::max(1, slots_.capacity()));
    }
    progress_.message(fmt::format("[{}/{} done, {} running, {} queued, ETA {}] {}", done,
                                  plan_.size(), running_.size(), queued, eta, event));
  }

  const std::vector<Trial>& plan_;
  static constexpr double kStopGraceSeconds = 120;

  RunnerOptions options_;
  TrialSlots& slots_;
  std::vector<TrialRecord> records_;
  std::vector<std::size_t> order_;  // start order of the trials (schedule.h)
  std::map<std::string, std::size_t> index_;
  std::map<std::size_t, std::string> running_;  // plan index → where it runs (slots_.start)
  std::map<std::size_t, Stopwatch> started_;
  std::vector<double> wall_;  // wall time of each trial completed by this process
  Stopwatch study_;
  Progress progress_;
  bool forwarded_ = false;
  Stopwatch stopping_;  // since the stop was forwarded
};

}  // namespace

RunnerResult run_trials(const std::vector<Trial>& plan, const RunnerOptions& options,
                        TrialSlots& slots) {
  fs::create_directories(options.out);
  return Runner(plan, options, slots).run();
}

}  // namespace grok
