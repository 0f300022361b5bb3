// Bindings of the `approvals:` and `slack:` sections (issue 6), kept apart from schema.cc so each
// file stays readable.
#include <optional>
#include <string>

#include "autotriage/config/internal/fields.h"
#include "autotriage/config/internal/schema.h"

namespace autotriage {
namespace {

constexpr int kMaxExpireHours = 24 * 365;          // a year
constexpr int kMaxEscalateMinutes = 60 * 24 * 30;  // a month

std::optional<std::string> HttpUrl(const std::string& value) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (value.rfind(scheme, 0) == 0 && value.size() > scheme.size()) {
      return std::nullopt;
    }
  }
  return "must be an http:// or https:// URL";
}

// A Slack channel id ("C0123ABCD") or name ("#triage"); "" = unset.
std::optional<std::string> Channel(const std::string& value) {
  if (value.find_first_of(" \t,") != std::string::npos) {
    return "must be one Slack channel id (C...) or name (#triage) without spaces";
  }
  return std::nullopt;
}

void CheckApprovals(ConfigBinder& binder, const std::string& path, const ApprovalOptions& a) {
  if (a.expire_after_hours > 0 && a.escalate_after_minutes > 0 &&
      int64_t{a.escalate_after_minutes} >= int64_t{a.expire_after_hours} * 60) {
    binder.Warning(
        binder.PosOf(path + ".escalate_after_minutes"),
        "'" + path + ".escalate_after_minutes' (" + std::to_string(a.escalate_after_minutes) +
            ") is not shorter than expire_after_hours (" + std::to_string(a.expire_after_hours) +
            " h), so proposals expire before they are escalated");
  }
}

// Secrets are named, never shown: the messages say which key is missing or malformed.
void CheckSlack(ConfigBinder& binder, const std::string& path, const SlackOptions& s) {
  auto where = [&](const std::string& key) {
    return binder.WasWritten(path + "." + key) ? binder.PosOf(path + "." + key)
                                               : binder.PosOf(path + ".enabled");
  };
  if (!s.webhook_url.empty() && HttpUrl(s.webhook_url).has_value()) {
    binder.Error(where("webhook_url"), "'" + path +
                                           ".webhook_url' must be an http:// or https:// URL "
                                           "(Slack's incoming-webhook URL)");
  }
  if (!s.enabled) {
    return;
  }
  if (s.signing_secret.empty()) {
    binder.Error(
        where("signing_secret"),
        "'" + path +
            ".signing_secret' is required when slack.enabled is true (it verifies "
            "Slack's button presses; for example signing_secret: ${SLACK_SIGNING_SECRET})");
  }
  if (s.bot_token.empty() && s.webhook_url.empty()) {
    binder.Error(where("bot_token"),
                 "'" + path + ".bot_token' or '" + path +
                     ".webhook_url' is required when slack.enabled is true (for example "
                     "bot_token: ${SLACK_BOT_TOKEN})");
  }
  if (!s.bot_token.empty() && s.channel.empty()) {
    binder.Error(where("channel"), "'" + path +
                                       ".channel' is required with a bot_token: the channel id "
                                       "(C...) the approval cards are posted to");
  }
}

}  // namespace

const SectionSpec<ApprovalOptions>& ApprovalSpec() {
  using S = ApprovalOptions;
  static const SectionSpec<S> spec{
      {
          IntField("expire_after_hours", &S::expire_after_hours, 0, kMaxExpireHours),
          IntField("escalate_after_minutes", &S::escalate_after_minutes, 0, kMaxEscalateMinutes),
      },
      CheckApprovals};
  return spec;
}

const SectionSpec<SlackOptions>& SlackSpec() {
  using S = SlackOptions;
  static const SectionSpec<S> spec{
      {
          BoolField("enabled", &S::enabled),
          SecretField("bot_token", &S::bot_token),
          SecretField("webhook_url", &S::webhook_url),
          StringField("channel", &S::channel, Channel),
          StringField("escalation_channel", &S::escalation_channel, Channel),
          SecretField("signing_secret", &S::signing_secret),
          StringField("api_base_url", &S::api_base_url, HttpUrl),
      },
      CheckSlack};
  return spec;
}

}  // namespace autotriage
