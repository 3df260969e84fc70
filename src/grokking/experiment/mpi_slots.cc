#include "grokking/experiment/mpi_slots.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "grokking/core/atomic_file.h"
#include "grokking/core/error.h"
#include "grokking/train/stop_signal.h"

namespace grok {
namespace fs = std::filesystem;
namespace {

enum Tag : int { kStart = 1, kDone = 2, kSignal = 3, kStopped = 4, kShutdown = 5 };

std::string rank_check(const fs::path& out, const std::string& token, int rank) {
  std::ifstream in(out / ".ranks-check");
  std::string seen;
  if (!in || !std::getline(in, seen)) return "cannot read " + (out / ".ranks-check").string();
  if (seen != token) return "sees another directory at this path (its check token differs)";
  const fs::path probe = out / fmt::format(".ranks-check-{}", rank);
  {
    std::ofstream write(probe);
    if (!(write << rank)) return "cannot write into it";
  }
  std::error_code ec;
  fs::remove(probe, ec);
  return "";
}

}  // namespace

std::vector<std::string> check_shared_out(const MpiWorld& world, const fs::path& out) {
  std::string token;
  if (world.rank() == 0) {
    token = fmt::format("{}-{}-{}", world.host(), getpid(), std::random_device{}());
    fs::create_directories(out);
    write_file_atomic(out / ".ranks-check", token + "\n");
  }
  token = world.broadcast(token);
  const std::string problem = world.rank() == 0 ? "" : rank_check(out, token, world.rank());
  std::error_code ec;
  const nlohmann::json mine = {
      {"host", world.host()}, {"cwd", fs::current_path(ec).string()}, {"problem", problem}};
  const std::vector<std::string> all = world.gather(mine.dump());
  std::vector<std::string> hosts, problems;
  for (std::size_t r = 0; r < all.size(); ++r) {
    const auto j = nlohmann::json::parse(all[r]);
    hosts.push_back(j["host"]);
    if (!j["problem"].get<std::string>().empty())
      problems.push_back(fmt::format("rank {} (host {}, working directory {}): {}", r,
                                     j["host"].get<std::string>(), j["cwd"].get<std::string>(),
                                     j["problem"].get<std::string>()));
  }
  const std::string verdict = world.broadcast(fmt::format("{}", fmt::join(problems, "; ")));
  if (world.rank() == 0) fs::remove(out / ".ranks-check", ec);
  if (!verdict.empty())
    throw Error(fmt::format(
        "--out {} is not visible to every rank: {}. Every rank must see the same run directory "
        "(a shared filesystem, and the same path from each rank's working directory)",
        out.string(), verdict));
  return hosts;
}

MpiSlots::MpiSlots(const MpiWorld& world, LocalSlots& local, int jobs_per_rank,
                   std::vector<std::string> hosts)
    : world_(world),
      local_(local),
      jobs_per_rank_(jobs_per_rank),
      hosts_(std::move(hosts)),
      busy_per_rank_(world.size(), 0) {}

MpiSlots::~MpiSlots() {
  for (int r = 1; r < world_.size(); ++r) {
    try {
      world_.send(r, kShutdown, "");
    } catch (const Error&) {  // a rank that is gone needs no shutdown
    }
  }
}

int MpiSlots::capacity() const { return local_.capacity() + (world_.size() - 1) * jobs_per_rank_; }

int MpiSlots::busy() const {
  int n = local_.busy();
  for (int r = 1; r < world_.size(); ++r) n += busy_per_rank_[r];
  return n;
}

std::string MpiSlots::start(std::size_t index, const std::vector<std::string>& args,
                            const fs::path& log) {
  for (int r = 1; r < world_.size(); ++r) {
    if (busy_per_rank_[r] >= jobs_per_rank_) continue;
    const nlohmann::json body = {{"index", index}, {"args", args}, {"log", log.string()}};
    world_.send(r, kStart, body.dump());
    ++busy_per_rank_[r];
    return fmt::format("rank {} ({})", r, hosts_[r]);
  }
  local_.start(index, args, log);
  return fmt::format("rank 0 ({})", hosts_[0]);
}

std::optional<FinishedTrial> MpiSlots::wait_any() {
  if (auto done = local_.poll()) return done;
  while (auto message = world_.try_receive()) {
    const auto body = nlohmann::json::parse(message->bytes);
    if (message->tag == kStopped) {
      request_stop(body.at("signal").get<int>());
      continue;
    }
    GROK_CHECK(message->tag == kDone, "unexpected message tag {} from rank {}", message->tag,
               message->source);
    --busy_per_rank_[message->source];
    return FinishedTrial{body.at("index").get<std::size_t>(), body.at("exit_code").get<int>()};
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return std::nullopt;
}

void MpiSlots::signal_all(int signal) {
  local_.signal_all(signal);
  for (int r = 1; r < world_.size(); ++r) {
    if (busy_per_rank_[r] == 0 || signalled_.count(r)) continue;
    world_.send(r, kSignal, nlohmann::json{{"signal", signal}}.dump());
    signalled_.insert(r);
  }
}

void serve_trials(const MpiWorld& world, LocalSlots& slots) {
  install_stop_handlers();
  bool shutdown = false, reported_stop = false;
  while (!shutdown || slots.busy() > 0) {
    while (auto message = world.try_receive()) {
      if (message->tag == kShutdown) {
        shutdown = true;
        slots.signal_all(SIGTERM);  // rank 0 is leaving: nothing may run unsupervised
        continue;
      }
      const auto body = nlohmann::json::parse(message->bytes);
      if (message->tag == kSignal) {
        slots.signal_all(body.at("signal").get<int>());
      } else if (message->tag == kStart) {
        slots.start(body.at("index").get<std::size_t>(),
                    body.at("args").get<std::vector<std::string>>(),
                    body.at("log").get<std::string>());
      }
    }
    if (auto done = slots.wait_any())
      world.send(0, kDone,
                 nlohmann::json{{"index", done->index}, {"exit_code", done->exit_code}}.dump());
    if (const int signal = stop_signal(); signal != 0 && !reported_stop) {
      slots.signal_all(signal);
      world.send(0, kStopped, nlohmann::json{{"signal", signal}}.dump());
      reported_stop = true;
    }
  }
}

}  // namespace grok
