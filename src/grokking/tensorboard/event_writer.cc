#include "grokking/tensorboard/event_writer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "grokking/core/error.h"
#include "grokking/tensorboard/event.pb.h"
#include "grokking/tensorboard/tfrecord.h"

namespace grok::tensorboard {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kEventFilePrefix = "events.out.tfevents.";

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The timestamp field of an event file name, or -1 if `name` is not one.
int64_t file_timestamp(const std::string& name) {
  if (!name.starts_with(kEventFilePrefix)) return -1;
  const std::string rest = name.substr(kEventFilePrefix.size());
  const std::size_t end = rest.find('.');
  try {
    return std::stoll(rest.substr(0, end));
  } catch (const std::exception&) {
    return -1;
  }
}

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  std::string host = name;
  std::replace(host.begin(), host.end(), '/', '_');
  return host;
}

Event make_event(int64_t step) {
  Event event;
  event.set_wall_time(now_seconds());
  event.set_step(step);
  return event;
}

}  // namespace

EventWriter::~EventWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void EventWriter::open(const fs::path& dir, int64_t resume_step) {
  close();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  // A later second than every file already there: same-second restarts still sort last.
  int64_t stamp = static_cast<int64_t>(now_seconds());
  for (const auto& entry : fs::directory_iterator(dir, ec))
    stamp = std::max(stamp, file_timestamp(entry.path().filename().string()) + 1);
  path_ = dir / fmt::format("{}{:010d}.{}.{}", kEventFilePrefix, stamp, hostname(), ::getpid());
  file_ = std::fopen(path_.c_str(), "wbx");
  if (file_ == nullptr)
    throw Error(fmt::format("cannot create {}: {}", path_.string(), std::strerror(errno)));

  Event version = make_event(0);
  version.set_file_version("brain.Event:2");
  write_event(version.SerializeAsString());
  if (resume_step > 0) {
    Event start = make_event(resume_step + 1);
    start.mutable_session_log()->set_status(SessionLog::START);
    write_event(start.SerializeAsString());
  }
  flush();
}

void EventWriter::add_scalar(const std::string& tag, int64_t step, double value) {
  Event event = make_event(step);
  Summary::Value* v = event.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(static_cast<float>(value));
  write_event(event.SerializeAsString());
}

void EventWriter::add_text(const std::string& tag, int64_t step, const std::string& markdown) {
  Event event = make_event(step);
  Summary::Value* v = event.mutable_summary()->add_value();
  v->set_tag(tag);
  v->mutable_metadata()->mutable_plugin_data()->set_plugin_name("text");
  TensorProto* tensor = v->mutable_tensor();
  tensor->set_dtype(DT_STRING);
  tensor->mutable_tensor_shape();  // a scalar: no dimensions
  tensor->add_string_val(markdown);
  write_event(event.SerializeAsString());
}

void EventWriter::write_event(const std::string& serialized_event) {
  GROK_CHECK(file_ != nullptr, "EventWriter used before open()");
  const std::string record = tfrecord_frame(serialized_event);
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size())
    throw Error(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
}

void EventWriter::flush() {
  if (file_ != nullptr && std::fflush(file_) != 0)
    throw Error(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
}

void EventWriter::close() {
  if (file_ == nullptr) return;
  const bool ok = std::fflush(file_) == 0;
  const int err = errno;
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) throw Error(fmt::format("cannot write {}: {}", path_.string(), std::strerror(err)));
}

int remove_event_files(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename().string().starts_with(kEventFilePrefix))
      files.push_back(entry.path());
  for (const auto& file : files) fs::remove(file, ec);
  return static_cast<int>(files.size());
}

}  // namespace grok::tensorboard
