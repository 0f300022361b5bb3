// Availability helpers for the assignee recommender: weekly shifts, out-of-office ranges and the
// words that describe them. Internal to the routing module.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autotriage/routing/assignee.h"

namespace autotriage::routing_internal {

// True when `now` (Unix seconds) falls in one of the windows, read in local time
// (UTC + utc_offset_minutes). No windows = always on shift.
bool OnShift(const std::vector<ShiftWindow>& shifts, int utc_offset_minutes, int64_t now);

// "Mon–Fri 08:00–16:00", several windows joined by "; ".
std::string DescribeShifts(const std::vector<ShiftWindow>& shifts);

// When `now` is inside one of the [from, to) ranges: the latest `to` of those ranges.
std::optional<int64_t> AwayUntil(const std::vector<std::pair<int64_t, int64_t>>& away, int64_t now);

// "2026-11-24": the local date of a Unix time.
std::string FormatDate(int64_t unix_seconds, int utc_offset_minutes);

// "40 min", "5 h", "3 d": a rounded duration for reasons.
std::string FormatDuration(int64_t seconds);

}  // namespace autotriage::routing_internal
