// Shared by both backends: the rules of DecideApproval, matrix cells and users, and the KPI day
// (store_internal.h). Messages name ids, tickets and actors, never a hash or a password.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <tuple>
#include <unordered_map>

#include "autotriage/store/store_internal.h"

namespace autotriage {
namespace {

bool IsApprovalAction(std::string_view action) {
  for (const char* known :
       {approval_action::kApproved, approval_action::kEdited, approval_action::kRejected,
        approval_action::kExpired, approval_action::kSuperseded}) {
    if (action == known) {
      return true;
    }
  }
  return false;
}

bool Writes(std::string_view action) {
  return action == approval_action::kApproved || action == approval_action::kEdited;
}

}  // namespace

int ListLimit(int limit) {
  constexpr int kMaxListLimit = 10000;
  return limit > 0 ? std::min(limit, kMaxListLimit) : 100;
}

Status ValidateApproval(const ApprovalDecision& decision) {
  const std::string of =
      " (ticket " + decision.ticket_id + " version " + decision.ticket_version + ")";
  if (decision.ticket_id.empty() || decision.ticket_version.empty()) {
    return InvalidArgument("an approval decision needs a ticket id and version");
  }
  if (!IsApprovalAction(decision.action)) {
    return InvalidArgument("unknown approval action '" + decision.action +
                           "' (expected approved, edited, rejected, expired or superseded)" + of);
  }
  if (decision.decision_ids.empty()) {
    return InvalidArgument("an approval decision names no decisions" + of);
  }
  const std::set<int64_t> ids(decision.decision_ids.begin(), decision.decision_ids.end());
  if (ids.size() != decision.decision_ids.size()) {
    return InvalidArgument("an approval decision names a decision twice" + of);
  }
  if (decision.action == approval_action::kEdited) {
    if (decision.human_values.empty()) {
      return InvalidArgument("an edited approval needs at least one human value" + of);
    }
  } else if (!decision.human_values.empty()) {
    return InvalidArgument("human values are only for the action edited, not " + decision.action +
                           of);
  }
  for (const auto& [id, value] : decision.human_values) {
    if (ids.count(id) == 0) {
      return InvalidArgument("a human value for decision " + std::to_string(id) +
                             ", which the approval does not name" + of);
    }
  }
  if (!decision.write) {
    return Status::Ok();
  }
  const WriteRecord& write = *decision.write;
  if (!Writes(decision.action)) {
    return InvalidArgument("an approval " + decision.action + " plans no write" + of);
  }
  if (write.idempotency_key.empty()) {
    return InvalidArgument("the write of an approval has no idempotency key" + of);
  }
  if ((!write.ticket_id.empty() && write.ticket_id != decision.ticket_id) ||
      (!write.ticket_version.empty() && write.ticket_version != decision.ticket_version)) {
    return InvalidArgument("the write of an approval is for ticket " + write.ticket_id +
                           " version " + write.ticket_version + of);
  }
  for (int64_t id : write.decision_ids) {
    if (ids.count(id) == 0) {
      return InvalidArgument("the write of an approval carries decision " + std::to_string(id) +
                             ", which the approval does not name" + of);
    }
  }
  return Status::Ok();
}

Status CheckApprovalTargets(const ApprovalDecision& decision,
                            const std::vector<ApprovalTarget>& targets) {
  std::unordered_map<int64_t, const ApprovalTarget*> by_id;
  for (const ApprovalTarget& target : targets) {
    by_id[target.id] = &target;
  }
  for (int64_t id : decision.decision_ids) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) {
      return NotFound("decision " + std::to_string(id) + " does not exist");
    }
    const ApprovalTarget& target = *it->second;
    if (target.ticket_id != decision.ticket_id ||
        target.ticket_version != decision.ticket_version) {
      return InvalidArgument("decision " + std::to_string(id) + " belongs to ticket " +
                             target.ticket_id + " version " + target.ticket_version + ", not " +
                             decision.ticket_id + " version " + decision.ticket_version);
    }
  }
  for (int64_t id : decision.decision_ids) {
    const ApprovalTarget& target = *by_id[id];
    if (target.outcome == "pending") {
      continue;
    }
    std::string message = "decision " + std::to_string(id) + " of ticket " + target.ticket_id +
                          " is already " + target.outcome;
    if (!target.last_actor.empty()) {
      // "already approved by user:alice", or "already applied (approved by user:alice)".
      message += target.last_action == target.outcome
                     ? " by " + target.last_actor
                     : " (" + target.last_action + " by " + target.last_actor + ")";
    }
    return FailedPrecondition(message);
  }
  return Status::Ok();
}

std::string_view ApprovalOutcomeOf(const ApprovalDecision& decision, int64_t decision_id) {
  if (decision.action == approval_action::kEdited &&
      decision.human_values.count(decision_id) == 0) {
    return approval_action::kApproved;
  }
  return decision.action;
}

std::vector<ApprovalActionRecord> ApprovalActionsOf(const ApprovalDecision& decision,
                                                    const std::vector<ApprovalTarget>& targets) {
  std::unordered_map<int64_t, const ApprovalTarget*> by_id;
  for (const ApprovalTarget& target : targets) {
    by_id[target.id] = &target;
  }
  const int64_t now_ms = TimeOrNow(decision.now_ms);
  std::vector<ApprovalActionRecord> actions;
  actions.reserve(decision.decision_ids.size());
  for (int64_t id : decision.decision_ids) {
    const ApprovalTarget& target = *by_id.at(id);
    ApprovalActionRecord action;
    action.decision_id = id;
    action.ticket_id = target.ticket_id;
    action.ticket_version = target.ticket_version;
    action.queue = target.queue;
    action.field = target.field;
    action.proposed_value = target.new_value;
    action.action = std::string(ApprovalOutcomeOf(decision, id));
    action.actor = decision.actor;
    action.reason = decision.reason;
    const auto human = decision.human_values.find(id);
    if (human != decision.human_values.end()) {
      action.human_value = human->second;
    }
    action.proposed_ms = target.created_ms;
    action.decided_ms = now_ms;
    actions.push_back(std::move(action));
  }
  return actions;
}

WriteRecord ApprovalWrite(const ApprovalDecision& decision) {
  WriteRecord write = decision.write.value_or(WriteRecord());
  write.ticket_id = decision.ticket_id;
  write.ticket_version = decision.ticket_version;
  if (write.decision_ids.empty()) {
    write.decision_ids = decision.decision_ids;
  }
  return write;
}

Status ValidateMatrixCell(const MatrixCellRecord& cell) {
  if (cell.queue.empty() || cell.field.empty()) {
    return InvalidArgument("a matrix cell needs a queue (\"*\" = every queue) and a field");
  }
  for (const char* mode : {"off", "monitor", "suggest", "autofill"}) {
    if (cell.mode == mode) {
      return Status::Ok();
    }
  }
  return InvalidArgument("unknown mode '" + cell.mode + "' for matrix cell " + cell.queue + "/" +
                         cell.field + " (expected off, monitor, suggest or autofill)");
}

Status ValidateUser(const UserRecord& user) {
  if (user.name.empty()) {
    return InvalidArgument("a user needs a name");
  }
  for (const char* role : {"viewer", "approver", "admin"}) {
    if (user.role == role) {
      return Status::Ok();
    }
  }
  return InvalidArgument("unknown role '" + user.role + "' for user '" + user.name +
                         "' (expected viewer, approver or admin)");
}

std::string UtcDay(int64_t day_index) {
  const std::chrono::year_month_day day{std::chrono::sys_days{std::chrono::days{day_index}}};
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

void KpiTally::Add(int64_t time_ms, std::string_view queue, std::string_view field,
                   std::string_view label, double value) {
  // Floor division: a (theoretical) time before 1970 counts on its own day too.
  const int64_t day = time_ms / kMsPerDay - (time_ms % kMsPerDay < 0 ? 1 : 0);
  key_.assign(reinterpret_cast<const char*>(&day), sizeof(day));
  key_.append(queue).push_back('\0');
  key_.append(field).push_back('\0');
  key_.append(label);
  auto it = groups_.find(key_);
  if (it == groups_.end()) {
    it = groups_
             .emplace(key_,
                      Group{day, std::string(queue), std::string(field), std::string(label), 0, 0})
             .first;
  }
  ++it->second.count;
  it->second.sum += value;
}

std::vector<const KpiTally::Group*> KpiTally::Sorted() const {
  std::vector<const Group*> sorted;
  sorted.reserve(groups_.size());
  for (const auto& [key, group] : groups_) {
    sorted.push_back(&group);
  }
  std::sort(sorted.begin(), sorted.end(), [](const Group* a, const Group* b) {
    return std::tie(a->day, a->queue, a->field, a->label) <
           std::tie(b->day, b->queue, b->field, b->label);
  });
  return sorted;
}

std::vector<DecisionCountRow> KpiTally::DecisionRows() const {
  std::vector<DecisionCountRow> rows;
  for (const Group* group : Sorted()) {
    rows.push_back({UtcDay(group->day), group->queue, group->field, group->label, group->count});
  }
  return rows;
}

std::vector<ApprovalCountRow> KpiTally::ApprovalRows() const {
  std::vector<ApprovalCountRow> rows;
  for (const Group* group : Sorted()) {
    rows.push_back({UtcDay(group->day), group->queue, group->field, group->label, group->count,
                    group->sum / static_cast<double>(group->count)});
  }
  return rows;
}

}  // namespace autotriage
