// Writes TensorBoard event files (events.out.tfevents.*): scalars and text, in TFRecord
// framing (tfrecord.h), one file per process, readable by TensorBoard and by its Python
// EventAccumulator while being written. Knows nothing of training: callers choose tags and
// steps. Not a reader (tensorboard_events_test.sh reads them back with TensorBoard itself).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace grok::tensorboard {

class EventWriter {
 public:
  EventWriter() = default;
  ~EventWriter();  // closes; never throws
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Creates `dir` and a new event file in it, named to sort after every event file already
  // there (TensorBoard reads a directory's files in name order). resume_step > 0: the process
  // continues a run whose events up to resume_step are kept; the file begins with a SessionLog
  // START at resume_step + 1, on which TensorBoard discards what earlier files hold at later
  // steps (written after the checkpoint resumed from), so nothing is duplicated or truncated.
  // grok::Error naming the file if it cannot be created.
  void open(const std::filesystem::path& dir, int64_t resume_step = 0);
  bool is_open() const { return file_ != nullptr; }
  const std::filesystem::path& path() const { return path_; }

  // A scalar (stored as float32, as TensorBoard's simple_value is).
  void add_scalar(const std::string& tag, int64_t step, double value);
  // Markdown text, shown by TensorBoard's text plugin.
  void add_text(const std::string& tag, int64_t step, const std::string& markdown);
  // Hands what was added to the operating system; grok::Error naming the file on failure.
  void flush();
  void close();

 private:
  void write_event(const std::string& serialized_event);

  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
};

// Removes the event files (events.out.tfevents.*) of `dir`, nothing else; returns how many.
int remove_event_files(const std::filesystem::path& dir);

}  // namespace grok::tensorboard
