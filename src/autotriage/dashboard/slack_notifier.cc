#include "autotriage/dashboard/slack_notifier.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "autotriage/dashboard/card.h"

namespace autotriage {
namespace {

using dashboard::CardFromApproval;
using dashboard::CardFromStore;
using dashboard::CardPath;
using dashboard::CardView;
using dashboard::ToSlackCard;

enum class TaskKind { kPost, kEscalate, kRefresh };

struct Task {
  TaskKind kind = TaskKind::kRefresh;
  std::string ticket_id;
  std::string ticket_version;
  std::string response_url;
};

// The queue shared by the notifier and the listener it registered (which may outlive it).
struct TaskQueue {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Task> tasks;
  bool stopping = false;
  bool busy = false;

  void Push(Task task) {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopping) {
      return;
    }
    if (task.kind == TaskKind::kRefresh) {
      for (Task& queued : tasks) {
        if (queued.kind == TaskKind::kRefresh && queued.ticket_id == task.ticket_id &&
            queued.ticket_version == task.ticket_version) {
          if (!task.response_url.empty()) {
            queued.response_url = task.response_url;
          }
          return;  // merged with the refresh already waiting
        }
      }
    }
    tasks.push_back(std::move(task));
    changed.notify_all();
  }
};

class SlackNotifierImpl : public SlackNotifier {
 public:
  SlackNotifierImpl(Store* store, ApprovalService* approvals, SlackClient* slack,
                    SlackNotifierOptions options)
      : store_(store),
        approvals_(approvals),
        slack_(slack),
        options_(std::move(options)),
        queue_(std::make_shared<TaskQueue>()) {
    std::weak_ptr<TaskQueue> weak = queue_;
    approvals_->AddListener([weak](const ApprovalEvent& event) {
      std::shared_ptr<TaskQueue> queue = weak.lock();
      if (queue == nullptr) {
        return;
      }
      Task task{TaskKind::kRefresh, event.ticket_id, event.ticket_version, ""};
      if (event.action == "proposed") {
        task.kind = TaskKind::kPost;
      } else if (event.action == "escalated") {
        task.kind = TaskKind::kEscalate;
      }
      queue->Push(std::move(task));
    });
    thread_ = std::thread([this] { Run(); });
  }

  ~SlackNotifierImpl() override {
    {
      std::lock_guard<std::mutex> lock(queue_->mutex);
      queue_->stopping = true;
      queue_->changed.notify_all();
    }
    thread_.join();
  }

  void Refresh(const std::string& ticket_id, const std::string& ticket_version,
               const std::string& response_url) override {
    queue_->Push({TaskKind::kRefresh, ticket_id, ticket_version, response_url});
  }

  bool WaitIdle(int64_t timeout_ms) override {
    std::unique_lock<std::mutex> lock(queue_->mutex);
    return queue_->changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                    [this] { return queue_->tasks.empty() && !queue_->busy; });
  }

 private:
  void Run() {
    while (true) {
      Task task;
      {
        std::unique_lock<std::mutex> lock(queue_->mutex);
        queue_->changed.wait(lock, [this] { return queue_->stopping || !queue_->tasks.empty(); });
        if (queue_->tasks.empty()) {
          return;  // stopping and drained
        }
        task = std::move(queue_->tasks.front());
        queue_->tasks.pop_front();
        queue_->busy = true;
      }
      Process(task);
      std::lock_guard<std::mutex> lock(queue_->mutex);
      queue_->busy = false;
      queue_->changed.notify_all();
    }
  }

  void Log(const std::string& message) const {
    if (options_.log) {
      options_.log(message);
    } else {
      std::fprintf(stderr, "slack: %s\n", message.c_str());
    }
  }

  int64_t Now() const {
    if (options_.now_ms) {
      return options_.now_ms();
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::string ReviewUrl(const CardView& card) const {
    std::string base = options_.public_url;
    while (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    return base + CardPath(card.ticket_id, card.ticket_version);
  }

  void Process(const Task& task) {
    const std::string what = "ticket " + task.ticket_id + " version " + task.ticket_version;
    if (task.kind != TaskKind::kRefresh) {
      Result<Approval> approval = approvals_->Get(task.ticket_id, task.ticket_version);
      if (!approval.ok()) {
        return;  // decided before the card went out: nothing to announce
      }
      const CardView card = CardFromApproval(*approval);
      const bool escalation = task.kind == TaskKind::kEscalate;
      if (!escalation) {
        Result<std::optional<SlackMessageRecord>> posted =
            store_->GetSlackMessage(task.ticket_id, task.ticket_version);
        if (posted.ok() && posted->has_value()) {
          return;  // announced already (another node, or a repeated event)
        }
      }
      Result<SlackMessageRecord> where =
          slack_->Post(ToSlackCard(card, ReviewUrl(card)), escalation);
      if (!where.ok()) {
        Log("posting the card of " + what + " failed: " + where.status().ToString());
        return;
      }
      if (!escalation) {
        SlackMessageRecord record = *where;
        record.ticket_id = task.ticket_id;
        record.ticket_version = task.ticket_version;
        record.created_ms = Now();
        if (Status kept = store_->PutSlackMessage(record); !kept.ok()) {
          Log("keeping where the card of " + what + " went failed: " + kept.ToString());
        }
      }
      return;
    }
    Result<CardView> card = CardFromStore(*store_, task.ticket_id, task.ticket_version);
    if (!card.ok()) {
      Log("reading the card of " + what + " failed: " + card.status().ToString());
      return;
    }
    const ApprovalCard slack_card = ToSlackCard(*card, ReviewUrl(*card));
    Result<std::optional<SlackMessageRecord>> where =
        store_->GetSlackMessage(task.ticket_id, task.ticket_version);
    Status sent;
    if (where.ok() && where->has_value() && !(*where)->ts.empty()) {
      sent = slack_->Update(**where, slack_card);
    } else if (!task.response_url.empty()) {
      sent = slack_->Respond(task.response_url, slack_card);
    } else {
      return;  // the card was never posted here (or only through a webhook): nothing to update
    }
    if (!sent.ok()) {
      Log("updating the card of " + what + " failed: " + sent.ToString());
    }
  }

  Store* store_;
  ApprovalService* approvals_;
  SlackClient* slack_;
  SlackNotifierOptions options_;
  std::shared_ptr<TaskQueue> queue_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<SlackNotifier> SlackNotifier::Create(Store* store, ApprovalService* approvals,
                                                     SlackClient* slack,
                                                     SlackNotifierOptions options) {
  return std::make_unique<SlackNotifierImpl>(store, approvals, slack, std::move(options));
}

}  // namespace autotriage
