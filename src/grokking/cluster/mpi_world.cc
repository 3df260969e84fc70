#include "grokking/cluster/mpi_world.h"

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "grokking/core/error.h"

namespace grok {
namespace {

const char* const kRankVariables[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"};

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(fmt::format("MPI: {} failed: {}", what, std::string(text, length)));
}

int checked_count(std::size_t n) {
  GROK_CHECK(n <= static_cast<std::size_t>(INT_MAX), "MPI message of {} elements", n);
  return static_cast<int>(n);
}

}  // namespace

bool MpiWorld::launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_RANK") != nullptr;
}

int MpiWorld::environment_rank() {
  for (const char* name : kRankVariables)
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 0;
}

MpiWorld& MpiWorld::instance() {
  static MpiWorld world;
  return world;
}

MpiWorld::MpiWorld() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  host_ = name;
  if (!launched_by_mpi()) return;
  // Only the main thread calls MPI (OpenMP workers never do).
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  initialised_ = true;
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiWorld::~MpiWorld() {
  if (initialised_) MPI_Finalize();
}

void MpiWorld::send(int destination, int tag, const std::string& bytes) const {
  GROK_CHECK(initialised_, "MPI send without MPI");
  check(MPI_Send(bytes.data(), checked_count(bytes.size()), MPI_CHAR, destination, tag,
                 MPI_COMM_WORLD),
        "MPI_Send");
}

std::optional<MpiMessage> MpiWorld::try_receive() const {
  if (!initialised_) return std::nullopt;
  int flag = 0;
  MPI_Status status;
  check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  MpiMessage message{status.MPI_SOURCE, status.MPI_TAG, std::string(count, '\0')};
  check(MPI_Recv(message.bytes.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  return message;
}

std::vector<std::string> MpiWorld::gather(const std::string& bytes) const {
  if (!initialised_) return {bytes};
  int length = checked_count(bytes.size());
  std::vector<int> lengths(size_), offsets(size_);
  check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
        "MPI_Gather");
  std::string all;
  if (rank_ == 0) {
    std::size_t total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[r] = checked_count(total);
      total += lengths[r];
    }
    all.resize(total);
  }
  check(MPI_Gatherv(bytes.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                    MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::vector<std::string> parts;
  if (rank_ == 0)
    for (int r = 0; r < size_; ++r) parts.push_back(all.substr(offsets[r], lengths[r]));
  return parts;
}

std::string MpiWorld::broadcast(const std::string& bytes) const {
  if (!initialised_) return bytes;
  int length = checked_count(bytes.size());
  check(MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = rank_ == 0 ? bytes : std::string(length, '\0');
  check(MPI_Bcast(out.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return out;
}

// Every rank's `data` into `all` ([size · n]), then data = Σ_r all[r·n …], in rank order.
template <typename T>
void sum_ranks_in_order(T* data, std::size_t n, std::vector<T>& all, MPI_Datatype type, int size) {
  all.resize(n * size);
  check(MPI_Allgather(data, checked_count(n), type, all.data(), checked_count(n), type,
                      MPI_COMM_WORLD),
        "MPI_Allgather");
  std::copy_n(all.data(), n, data);
  for (int r = 1; r < size; ++r)
    for (std::size_t i = 0; i < n; ++i) data[i] += all[n * r + i];
}

void MpiWorld::sum_in_rank_order(float* data, std::size_t n, std::vector<float>& scratch) const {
  if (size_ > 1) sum_ranks_in_order(data, n, scratch, MPI_FLOAT, size_);
}

void MpiWorld::sum_in_rank_order(double* data, std::size_t n) const {
  std::vector<double> all;
  if (size_ > 1) sum_ranks_in_order(data, n, all, MPI_DOUBLE, size_);
}

void MpiWorld::barrier() const {
  if (initialised_) check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

void MpiWorld::abort(int exit_code) const {
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);
}

}  // namespace grok
