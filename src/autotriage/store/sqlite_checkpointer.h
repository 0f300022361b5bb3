// Moves the SQLite write-ahead log into the database file from a thread of its own, so that no
// commit waits for a checkpoint. SQLite's automatic checkpoint runs inside the commit that
// crosses its threshold: tens of milliseconds on a slow disk, every few megabytes of WAL, which
// is what an intake's p99 latency would see. Internal to the store module.
//
// The writer's WAL hook (called after each commit with the WAL's size) wakes the thread once
// the WAL passes about 4 MB; the thread runs a PASSIVE checkpoint on its own connection, which
// never blocks readers or writers. SQLite restarts the WAL from its beginning only when a write
// begins after a complete checkpoint, so the next commit copies the few frames written
// meanwhile itself (at most 1 MB, between two transactions). Should the WAL still grow far
// past the threshold (the thread cannot keep up), the writer checkpoints inline.
// Ownership: owned by SqliteStore; REQUIRES: `writer` outlives it. Constructor throws
// SQLite::Exception when its connection cannot be opened.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;
namespace SQLite {
class Database;
}  // namespace SQLite

namespace autotriage {

class SqliteCheckpointer {
 public:
  SqliteCheckpointer(const std::string& path, SQLite::Database& writer);
  ~SqliteCheckpointer();  // removes the hook, stops and joins the thread
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

 private:
  static int OnCommit(void* self, sqlite3* db, const char* name, int frames);
  void Run();

  std::unique_ptr<SQLite::Database> db_;  // the checkpointer's own connection
  SQLite::Database& writer_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool running_ = false;         // a checkpoint is asked for or under way
  int checkpointed_frames_ = 0;  // WAL frames known to be copied into the database
  bool tail_pending_ = false;    // the thread finished; the writer copies the rest
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace autotriage
