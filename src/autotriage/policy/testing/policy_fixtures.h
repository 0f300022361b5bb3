// Hand-built heads, predictions and tickets for the policy module's tests. Header-only, test use
// only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "autotriage/core/ticket.h"
#include "autotriage/ml/classifier.h"
#include "autotriage/ml/head.h"
#include "autotriage/ml/thresholds.h"

namespace autotriage::testing {

// A "group" head trained for precision 0.9:
//   Network  threshold 0.60 (precision 0.92) with a curve: 0.40 -> 0.80, 0.60 -> 0.92,
//            0.80 -> 0.97;
//   Access   threshold 0.70 (precision 0.93), no curve (a model made before curves existed);
//   Hardware unreachable at 0.9, with a curve reaching 0.85 at 0.90.
inline HeadInfo GroupHead() {
  HeadInfo head;
  head.field = "group";
  head.labels = {"Network", "Access", "Hardware"};
  head.target_precision = 0.9;
  ClassThreshold network;
  network.label = "Network";
  network.threshold = 0.6;
  network.precision = 0.92;
  network.coverage = 0.8;
  network.validation_predictions = 100;
  network.reachable = true;
  network.curve = {{0.4, 0.8, 1.0}, {0.6, 0.92, 0.8}, {0.8, 0.97, 0.5}};
  ClassThreshold access;
  access.label = "Access";
  access.threshold = 0.7;
  access.precision = 0.93;
  access.coverage = 0.6;
  access.validation_predictions = 80;
  access.reachable = true;
  ClassThreshold hardware;
  hardware.label = "Hardware";
  hardware.threshold = kNeverDecide;
  hardware.precision = 0.5;
  hardware.validation_predictions = 20;
  hardware.curve = {{0.5, 0.5, 1.0}, {0.9, 0.85, 0.2}};
  head.thresholds = {network, access, hardware};
  return head;
}

// A prediction as Head::Predict makes it: best first, abstaining below the head's threshold.
inline Prediction Predicted(const HeadInfo& head,
                            const std::vector<std::pair<std::string, double>>& top) {
  Prediction prediction;
  for (const auto& [label, probability] : top) {
    prediction.top.push_back({label, probability});
  }
  if (prediction.top.empty()) {
    prediction.abstain = true;
    prediction.abstain_reason = "empty text";
    return prediction;
  }
  for (const ClassThreshold& t : head.thresholds) {
    if (t.label == top[0].first && top[0].second < t.threshold) {
      prediction.abstain = true;
      prediction.abstain_reason = "below the threshold for '" + t.label + "'";
    }
  }
  return prediction;
}

inline Ticket MakeTicket(std::string group = "", std::string priority = "") {
  Ticket ticket;
  ticket.id = "42";
  ticket.subject = "VPN down";
  ticket.requester_email = "ana@customer.example.com";
  ticket.source = "email";
  if (!group.empty()) {
    ticket.fields["group"] = std::move(group);
  }
  if (!priority.empty()) {
    ticket.fields["priority"] = std::move(priority);
  }
  return ticket;
}

}  // namespace autotriage::testing
