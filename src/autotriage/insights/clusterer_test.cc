#include "autotriage/insights/clusterer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace autotriage::insights {
namespace {

constexpr int64_t kT0 = 1'700'000'000;  // a Tuesday in November 2023
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

const std::vector<std::string> kVpn = {
    "VPN connection drops every few minutes when working from home",
    "My VPN keeps disconnecting, the connection drops all the time",
    "Cannot stay connected to the VPN, connection drops after a minute",
    "VPN client disconnects, connection drops from home office",
};
const std::vector<std::string> kPrinter = {
    "Printer on the third floor has a paper jam again",
    "Paper jam in the printer on floor three, nothing prints",
    "The third floor printer is jammed with paper",
    "Printer paper jam, cannot print documents",
};
const std::vector<std::string> kPassword = {
    "Please reset my password, my account is locked",
    "Account locked after wrong password, need a password reset",
    "Locked out of my account, password reset needed",
};

std::vector<TicketText> Tickets(const std::string& prefix, const std::vector<std::string>& texts,
                                int64_t start) {
  std::vector<TicketText> out;
  for (size_t i = 0; i < texts.size(); ++i) {
    out.push_back({prefix + std::to_string(i), start + static_cast<int64_t>(i) * 60, texts[i]});
  }
  return out;
}

// Unrelated one-off tickets, so document frequencies look like a real window where any one
// topic's words are rare.
std::vector<TicketText> Background(int64_t start) {
  const std::vector<std::string> objects = {"monitor", "keyboard", "invoice", "badge",  "laptop",
                                            "headset", "licence",  "parking", "desk",   "phone",
                                            "webcam",  "tablet",   "server",  "backup", "license"};
  const std::vector<std::string> states = {"broken", "missing", "expired", "ordered", "slow",
                                           "noisy",  "stolen",  "blocked", "renewal", "upgrade"};
  std::vector<TicketText> out;
  for (size_t i = 0; i < objects.size(); ++i) {
    for (size_t j = 0; j < 3; ++j) {
      const std::string& state = states[(i * 3 + j) % states.size()];
      out.push_back({"bg-" + std::to_string(i) + "-" + std::to_string(j),
                     start - 3600 + static_cast<int64_t>(i * 3 + j),
                     objects[i] + " " + state + " request " + std::to_string(i * 3 + j)});
    }
  }
  return out;
}

std::vector<TicketText> AllTopics(int64_t start) {
  std::vector<TicketText> all = Background(start);
  for (auto& t : Tickets("vpn-", kVpn, start)) {
    all.push_back(t);
  }
  for (auto& t : Tickets("prn-", kPrinter, start + 7)) {
    all.push_back(t);
  }
  for (auto& t : Tickets("pwd-", kPassword, start + 13)) {
    all.push_back(t);
  }
  return all;
}

ClusterId Of(const Clusterer& c, const std::string& id) {
  auto cluster = c.ClusterOf(id);
  EXPECT_TRUE(cluster.has_value()) << id;
  return cluster.value_or(-1);
}

TEST(Clusterer, GroupsParaphrasesAndSeparatesTopics) {
  Clusterer c;
  AddReport report = c.AddBatch(AllTopics(kT0));
  EXPECT_EQ(report.added, 56);
  EXPECT_EQ(report.rejected, 0);
  for (const std::string prefix : {"vpn-", "prn-", "pwd-"}) {
    for (int i = 1; i < 3; ++i) {
      EXPECT_EQ(Of(c, prefix + "0"), Of(c, prefix + std::to_string(i))) << prefix << i;
    }
  }
  EXPECT_NE(Of(c, "vpn-0"), Of(c, "prn-0"));
  EXPECT_NE(Of(c, "vpn-0"), Of(c, "pwd-0"));
  EXPECT_NE(Of(c, "prn-0"), Of(c, "pwd-0"));
  EXPECT_NE(Of(c, "vpn-0"), Of(c, "bg-0-0"));
}

TEST(Clusterer, NamesAreWordsTheTicketsUsed) {
  Clusterer c;
  (void)c.AddBatch(AllTopics(kT0));
  auto summary = c.Summary(Of(c, "vpn-0"), kT0 + kHour);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  std::set<std::string> words;
  for (const std::string& text : kVpn) {
    std::istringstream in(text);
    for (std::string w; in >> w;) {
      w.erase(std::remove_if(w.begin(), w.end(), [](char ch) { return ch == ','; }), w.end());
      std::transform(w.begin(), w.end(), w.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      words.insert(w);
    }
  }
  std::istringstream name(summary->name);
  int count = 0;
  for (std::string w; name >> w; ++count) {
    EXPECT_TRUE(words.count(w)) << "'" << w << "' in name '" << summary->name << "'";
  }
  EXPECT_GE(count, 3);
  EXPECT_LE(count, 4);
  EXPECT_NE(summary->name.find("vpn"), std::string::npos) << summary->name;
  EXPECT_EQ(summary->size, 4);
  EXPECT_EQ(summary->member_ids.front(), "vpn-3");  // newest first
  EXPECT_FALSE(summary->representative_text.empty());
  EXPECT_EQ(summary->last_24h, 4);
  EXPECT_EQ(summary->previous_24h, 0);
  EXPECT_DOUBLE_EQ(summary->trend_ratio, 5.0);
}

TEST(Clusterer, IdsStayStableAsTicketsArrive) {
  Clusterer c;
  (void)c.AddBatch(AllTopics(kT0));
  const ClusterId vpn = Of(c, "vpn-0");
  const ClusterId printer = Of(c, "prn-0");
  // More of the same topics, one at a time and in a batch, plus a new topic.
  ASSERT_TRUE(c.Add({"vpn-9", kT0 + kHour, "VPN connection drops again, cannot work"}).ok());
  (void)c.AddBatch({{"prn-9", kT0 + 2 * kHour, "Paper jam in the printer again"},
                    {"mail-1", kT0 + 2 * kHour, "Outlook mailbox is full, cannot send mail"},
                    {"mail-2", kT0 + 2 * kHour + 5, "Mailbox full in Outlook, mail not sent"}});
  EXPECT_EQ(c.ClusterOf("vpn-9"), vpn);
  EXPECT_EQ(c.ClusterOf("prn-9"), printer);
  EXPECT_EQ(c.Resolve(vpn), vpn);
  EXPECT_EQ(c.Resolve(printer), printer);
  EXPECT_EQ(Of(c, "vpn-1"), vpn);
  EXPECT_NE(Of(c, "mail-1"), vpn);
  EXPECT_EQ(Of(c, "mail-1"), Of(c, "mail-2"));
}

TEST(Clusterer, SameResultWhateverOrderTheBatchArrivesIn) {
  std::vector<TicketText> tickets = AllTopics(kT0);
  Clusterer a;
  (void)a.AddBatch(tickets);
  std::reverse(tickets.begin(), tickets.end());
  Clusterer b;
  (void)b.AddBatch(tickets);
  for (const TicketText& t : tickets) {
    EXPECT_EQ(a.ClusterOf(t.ticket_id), b.ClusterOf(t.ticket_id)) << t.ticket_id;
  }
  auto ca = a.Clusters(kT0, 1);
  auto cb = b.Clusters(kT0, 1);
  ASSERT_EQ(ca.size(), cb.size());
  for (size_t i = 0; i < ca.size(); ++i) {
    EXPECT_EQ(ca[i].name, cb[i].name);
  }
}

TEST(Clusterer, ExpiresOldTicketsAndEmptyClusters) {
  ClustererOptions options;
  options.window_seconds = 7 * kDay;
  Clusterer c(options);
  (void)c.AddBatch(Tickets("vpn-", kVpn, kT0));
  (void)c.AddBatch(Tickets("prn-", kPrinter, kT0 + 5 * kDay));
  const ClusterId vpn = Of(c, "vpn-0");
  EXPECT_EQ(c.ticket_count(), 8u);
  EXPECT_EQ(c.Expire(kT0 + 8 * kDay), 4);
  EXPECT_EQ(c.ticket_count(), 4u);
  EXPECT_FALSE(c.ClusterOf("vpn-0").has_value());
  EXPECT_FALSE(c.Resolve(vpn).has_value());
  EXPECT_EQ(c.Summary(vpn, kT0).status().code(), StatusCode::kNotFound);
  // A ticket older than the window is refused; a new VPN ticket starts a new cluster id.
  auto old = c.Add({"late", kT0 + kHour, "VPN connection drops"});
  EXPECT_EQ(old.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(old.status().message().find("before the clustering window"), std::string::npos);
  auto fresh = c.Add({"vpn-new", kT0 + 8 * kDay, "VPN connection drops every few minutes"});
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(*fresh, vpn);
}

TEST(Clusterer, RejectsBadInputWithClearErrors) {
  Clusterer c;
  auto empty_id = c.Add({"", kT0, "printer jam"});
  EXPECT_EQ(empty_id.status().code(), StatusCode::kInvalidArgument);
  auto zero_time = c.Add({"t1", 0, "printer jam"});
  EXPECT_EQ(zero_time.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(zero_time.status().message().find("created_at"), std::string::npos);
  auto empty_text = c.Add({"t2", kT0, ""});
  EXPECT_EQ(empty_text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty_text.status().message().find("no words"), std::string::npos);
  auto stop_words = c.Add({"t3", kT0, "Hi, please, thanks! 12 34"});
  EXPECT_EQ(stop_words.status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(c.Add({"t4", kT0, "printer jam"}).ok());
  EXPECT_EQ(c.Add({"t4", kT0, "printer jam"}).status().code(), StatusCode::kAlreadyExists);
  // Out-of-order timestamps inside the window are accepted.
  EXPECT_TRUE(c.Add({"t5", kT0 - kHour, "printer paper jam"}).ok());

  AddReport report = c.AddBatch({{"b1", kT0, "vpn drops"},
                                 {"b1", kT0, "vpn drops again"},
                                 {"", kT0, "x"},
                                 {"b2", -5, "vpn"},
                                 {"b3", kT0, "   "}});
  EXPECT_EQ(report.added, 1);
  EXPECT_EQ(report.rejected, 4);
  EXPECT_EQ(report.errors.size(), 4u);
  EXPECT_EQ(c.ticket_count(), 3u);
}

TEST(Clusterer, MergesNearDuplicateClusters) {
  ClustererOptions options;
  options.assign_threshold = 0.99;  // every ticket starts its own cluster ...
  options.merge_threshold = 0.3;    // ... and the merge pass joins the paraphrases
  Clusterer c(options);
  std::vector<TicketText> tickets = Background(kT0);
  for (auto& t : Tickets("vpn-", kVpn, kT0)) {
    tickets.push_back(t);
  }
  (void)c.AddBatch(tickets);
  const ClusterId survivor = Of(c, "vpn-0");
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(Of(c, "vpn-" + std::to_string(i)), survivor) << i;
  }
  EXPECT_EQ(c.Summary(survivor, kT0)->size, 4);
}

TEST(Clusterer, SnapshotRestoresIdsAndMembers) {
  Clusterer c;
  (void)c.AddBatch(AllTopics(kT0));
  auto restored = Clusterer::Restore(c.Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  for (const TicketText& t : AllTopics(kT0)) {
    EXPECT_EQ(restored->ClusterOf(t.ticket_id), c.ClusterOf(t.ticket_id));
  }
  auto next = restored->Add({"new-topic", kT0 + kHour, "Projector in meeting room flickers"});
  ASSERT_TRUE(next.ok());
  auto original = c.Add({"new-topic", kT0 + kHour, "Projector in meeting room flickers"});
  EXPECT_EQ(*next, *original);
}

}  // namespace
}  // namespace autotriage::insights
