// DigestToJson (digest.h): the digest as JSON for the REST API and `autotriage digest --json`.
#include <nlohmann/json.hpp>

#include "autotriage/digest/digest.h"

namespace autotriage {
namespace {

using Json = nlohmann::json;

// -1 (nothing measured) becomes null.
Json Rate(double value) {
  return value < 0 ? Json(nullptr) : Json(value);
}

Json ClusterJson(const DigestCluster& c) {
  Json article = nullptr;
  if (!c.kb_article_id.empty()) {
    article = {{"id", c.kb_article_id}, {"title", c.kb_article_title}, {"url", c.kb_article_url}};
  }
  return {{"id", c.id},
          {"name", c.name},
          {"size", c.size},
          {"last_24h", c.last_24h},
          {"previous_24h", c.previous_24h},
          {"trend_ratio", c.trend_ratio},
          {"first_seen", c.first_seen},
          {"last_seen", c.last_seen},
          {"representative_text", c.representative_text},
          {"kb_checked", c.kb_checked},
          {"kb_article", article}};
}

Json Clusters(const std::vector<DigestCluster>& clusters) {
  Json list = Json::array();
  for (const DigestCluster& c : clusters) {
    list.push_back(ClusterJson(c));
  }
  return list;
}

}  // namespace

std::string DigestToJson(const DigestData& data) {
  Json volumes = Json::array();
  for (const DigestDayVolume& v : data.volumes) {
    volumes.push_back({{"day", v.day}, {"tickets", v.tickets}});
  }
  Json problems = Json::array();
  for (const DigestProblem& p : data.problems) {
    problems.push_back({{"id", p.id},
                        {"cluster_id", p.cluster_id},
                        {"cluster_name", p.cluster_name},
                        {"subject", p.subject},
                        {"state", p.state},
                        {"decided_by", p.decided_by},
                        {"problem_id", p.problem_id},
                        {"observed", p.observed},
                        {"expected", p.expected},
                        {"window_start_ms", p.window_start_ms},
                        {"window_end_ms", p.window_end_ms},
                        {"created_ms", p.created_ms}});
  }
  Json acceptance = Json::array();
  for (const DigestFieldAcceptance& f : data.acceptance) {
    acceptance.push_back({{"field", f.field},
                          {"accepted", f.accepted},
                          {"judged", f.judged},
                          {"skipped", f.skipped},
                          {"acceptance", Rate(f.acceptance)},
                          {"previous_accepted", f.previous_accepted},
                          {"previous_judged", f.previous_judged},
                          {"previous_acceptance", Rate(f.previous_acceptance)}});
  }
  Json decisions = Json::array();
  for (const DigestOutcomeCount& d : data.decisions) {
    decisions.push_back({{"outcome", d.outcome}, {"count", d.count}, {"previous", d.previous}});
  }
  const Json json = {{"day", data.day},
                     {"generated_ms", data.generated_ms},
                     {"period_start_ms", data.period_start_ms},
                     {"period_end_ms", data.period_end_ms},
                     {"min_cluster_size", data.min_cluster_size},
                     {"volumes", volumes},
                     {"last_24h", data.last_24h},
                     {"previous_24h", data.previous_24h},
                     {"clusters", data.clusters},
                     {"top_by_size", Clusters(data.top_by_size)},
                     {"top_by_trend", Clusters(data.top_by_trend)},
                     {"problems", problems},
                     {"kb_loaded", data.kb_loaded},
                     {"kb_gaps", Clusters(data.kb_gaps)},
                     {"kpi_from_day", data.kpi_from_day},
                     {"kpi_previous_from_day", data.kpi_previous_from_day},
                     {"acceptance", acceptance},
                     {"decisions", decisions}};
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace autotriage
