#include "autotriage/store/sqlite_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>

namespace autotriage {
namespace {

// SQLite's own default threshold (about 4 MB of WAL).
constexpr int kCheckpointFrames = 1000;
// At most this many frames (1 MB) are left for the writer to copy after the thread's checkpoint.
constexpr int kTailFrames = 256;
// Past this the writer checkpoints inline after every commit, so that a WAL the thread cannot
// keep up with (or that another process's long read pins) does not grow without bound.
constexpr int kWriterCheckpointFrames = 16 * kCheckpointFrames;

}  // namespace

SqliteCheckpointer::SqliteCheckpointer(const std::string& path, SQLite::Database& writer)
    : db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE, 30000)),
      writer_(writer) {
  // A connection opens the WAL on its first read; until then a checkpoint through it is a no-op.
  db_->execAndGet("SELECT COUNT(*) FROM sqlite_master");
  // Replaces SQLite's automatic checkpoint on the writer connection.
  sqlite3_wal_hook(writer_.getHandle(), &SqliteCheckpointer::OnCommit, this);
  thread_ = std::thread([this] { Run(); });
}

SqliteCheckpointer::~SqliteCheckpointer() {
  sqlite3_wal_hook(writer_.getHandle(), nullptr, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int SqliteCheckpointer::OnCommit(void* self, sqlite3* db, const char* name, int frames) {
  auto* checkpointer = static_cast<SqliteCheckpointer*>(self);
  bool inline_checkpoint = frames >= kWriterCheckpointFrames;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(checkpointer->mu_);
    if (frames < checkpointer->checkpointed_frames_) {
      // The WAL restarted from its beginning.
      checkpointer->checkpointed_frames_ = 0;
      checkpointer->tail_pending_ = false;
    }
    const int behind = frames - checkpointer->checkpointed_frames_;
    if (!checkpointer->running_) {
      if (checkpointer->tail_pending_ && behind <= kTailFrames) {
        // The thread copied the bulk; the few frames committed meanwhile are copied here,
        // between two transactions, so the checkpoint is complete and the next write
        // restarts the WAL from its beginning (SQLite restarts it only then).
        inline_checkpoint = true;
        checkpointer->tail_pending_ = false;
        checkpointer->checkpointed_frames_ = frames;
      } else if (checkpointer->tail_pending_ || behind >= kCheckpointFrames) {
        checkpointer->running_ = true;
        checkpointer->tail_pending_ = false;
        wake = true;
      }
    }
  }
  if (wake) {
    checkpointer->wake_.notify_one();
  }
  if (inline_checkpoint) {
    // A busy result (another process checkpointing) is fine: a later commit tries again.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

void SqliteCheckpointer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return running_ || stop_; });
    if (stop_) {
      return;
    }
    lock.unlock();
    // PASSIVE copies what it can without waiting for readers or writers; an error (busy) only
    // means the next commit past the threshold asks again.
    int wal_frames = 0;
    int copied_frames = 0;
    sqlite3_wal_checkpoint_v2(db_->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                              &copied_frames);
    lock.lock();
    running_ = false;
    tail_pending_ = true;
    checkpointed_frames_ = std::max(copied_frames, 0);
  }
}

}  // namespace autotriage
