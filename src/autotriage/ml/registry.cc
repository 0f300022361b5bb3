#include "autotriage/ml/registry.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace autotriage {
namespace {

constexpr int kRegistryFormat = 1;
constexpr char kRegistryFile[] = "registry.json";
constexpr char kLockFile[] = "registry.lock";

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Result<ModelState> ParseState(const std::string& text) {
  for (ModelState s :
       {ModelState::kLive, ModelState::kCandidate, ModelState::kRetired, ModelState::kRefused}) {
    if (ToString(s) == text) {
      return s;
    }
  }
  return InvalidArgument("unknown state '" + text + "'");
}

nlohmann::json FiguresJson(const std::map<std::string, HeadFigures>& figures) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [field, f] : figures) {
    out[field] = {{"accuracy", f.accuracy}, {"macro_f1", f.macro_f1}, {"examples", f.examples}};
  }
  return out;
}

std::map<std::string, HeadFigures> ParseFigures(const nlohmann::json& j) {
  std::map<std::string, HeadFigures> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    HeadFigures f;
    f.accuracy = it->at("accuracy").get<double>();
    f.macro_f1 = it->at("macro_f1").get<double>();
    f.examples = it->at("examples").get<int64_t>();
    out[it.key()] = f;
  }
  return out;
}

nlohmann::json EntryJson(const ModelEntry& e) {
  nlohmann::json j = {{"version", e.version},           {"file", e.file},
                      {"created_at", e.created_at},     {"training_data", e.training_data},
                      {"holdout_rule", e.holdout_rule}, {"state", std::string(ToString(e.state))}};
  if (e.evaluation) {
    const ModelEvaluation& v = *e.evaluation;
    j["evaluation"] = {{"slice", v.slice},
                       {"compared_with", v.compared_with},
                       {"baseline_kind", v.baseline_kind},
                       {"candidate", FiguresJson(v.candidate)},
                       {"baseline", FiguresJson(v.baseline)},
                       {"tolerance", v.tolerance},
                       {"worse", v.worse},
                       {"verdict", v.verdict}};
  }
  j["history"] = nlohmann::json::array();
  for (const ModelEvent& event : e.history) {
    j["history"].push_back({{"at", event.at}, {"what", event.what}, {"detail", event.detail}});
  }
  return j;
}

// Throws nlohmann::json::exception or std::invalid_argument on malformed input.
ModelEntry ParseEntry(const nlohmann::json& j) {
  ModelEntry e;
  e.version = j.at("version").get<std::string>();
  e.file = j.at("file").get<std::string>();
  e.created_at = j.value("created_at", "");
  e.training_data = j.value("training_data", "");
  e.holdout_rule = j.value("holdout_rule", "");
  Result<ModelState> state = ParseState(j.at("state").get<std::string>());
  if (!state.ok()) {
    throw std::invalid_argument("version " + e.version + ": " + state.status().message());
  }
  e.state = *state;
  if (e.file.empty() || e.file.find('/') != std::string::npos || e.file.front() == '.') {
    throw std::invalid_argument("version " + e.version + ": file '" + e.file +
                                "' is not a plain file name");
  }
  if (j.contains("evaluation")) {
    const nlohmann::json& v = j.at("evaluation");
    ModelEvaluation ev;
    ev.slice = v.value("slice", "");
    ev.compared_with = v.value("compared_with", "");
    ev.baseline_kind = v.value("baseline_kind", "");
    ev.candidate = ParseFigures(v.at("candidate"));
    ev.baseline = ParseFigures(v.at("baseline"));
    ev.tolerance = v.value("tolerance", 0.0);
    ev.worse = v.at("worse").get<bool>();
    ev.verdict = v.value("verdict", "");
    e.evaluation = std::move(ev);
  }
  for (const nlohmann::json& event : j.value("history", nlohmann::json::array())) {
    e.history.push_back(
        {event.value("at", ""), event.value("what", ""), event.value("detail", "")});
  }
  return e;
}

Result<std::string> ReadWholeFile(const std::string& path, bool* missing) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      *missing = true;
      return std::string();
    }
    return IoError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Holds an exclusive flock on a file for its lifetime.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return IoError("cannot open the lock file " + path + ": " + std::strerror(errno));
    }
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const int err = errno;
        ::close(fd);
        return IoError("cannot lock " + path + ": " + std::strerror(err));
      }
    }
    return FileLock(fd);
  }
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock() {
    if (fd_ >= 0) {
      ::close(fd_);  // releases the lock
    }
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace

std::string_view ToString(ModelState state) {
  switch (state) {
    case ModelState::kLive:
      return "live";
    case ModelState::kCandidate:
      return "candidate";
    case ModelState::kRetired:
      return "retired";
    case ModelState::kRefused:
      return "refused";
  }
  return "candidate";
}

std::string ModelRegistry::registry_path() const {
  return (std::filesystem::path(directory_) / kRegistryFile).string();
}

Result<ModelRegistry> ModelRegistry::Open(const std::string& directory) {
  ModelRegistry registry(directory);
  const std::string path = registry.registry_path();
  bool missing = false;
  Result<std::string> text = ReadWholeFile(path, &missing);
  if (!text.ok() || missing) {
    return missing ? Result<ModelRegistry>(std::move(registry)) : text.status();
  }
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  auto corrupt = [&](const std::string& what) {
    return Corruption("the model registry " + path + " is damaged: " + what +
                      ". Repair it by hand or move it away (the bundle files next to it stay "
                      "usable with models.active); it is never reset automatically");
  };
  if (!j.is_object()) {
    return corrupt("it is not a JSON object");
  }
  if (j.value("format", 0) != kRegistryFormat) {
    return corrupt("unknown format " + j.value("format", nlohmann::json()).dump() +
                   " (this autotriage reads format " + std::to_string(kRegistryFormat) + ")");
  }
  std::string live;
  try {
    live = j.value("live", "");
    for (const nlohmann::json& entry : j.at("versions")) {
      registry.entries_.push_back(ParseEntry(entry));
    }
    for (const nlohmann::json& v : j.value("previous_live", nlohmann::json::array())) {
      registry.previous_live_.push_back(v.get<std::string>());
    }
  } catch (const std::exception& e) {
    return corrupt(e.what());
  }
  int live_count = 0;
  for (const ModelEntry& entry : registry.entries_) {
    if (entry.state == ModelState::kLive) {
      ++live_count;
      if (entry.version != live) {
        return corrupt("version " + entry.version + " is marked live but \"live\" names '" + live +
                       "'");
      }
    }
  }
  if (live_count > 1) {
    return corrupt("more than one version is marked live");
  }
  if (!live.empty() && live_count == 0) {
    return corrupt("\"live\" names " + live + ", which is not a listed live version");
  }
  for (const std::string& previous : registry.previous_live_) {
    if (registry.Find(previous) == nullptr) {
      return corrupt("previous_live names " + previous + ", which is not listed");
    }
  }
  return registry;
}

Status ModelRegistry::Update(const std::string& directory,
                             const std::function<Status(ModelRegistry&)>& change) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return IoError("cannot create the model directory " + directory + ": " + ec.message());
  }
  Result<FileLock> lock =
      FileLock::Acquire((std::filesystem::path(directory) / kLockFile).string());
  if (!lock.ok()) {
    return lock.status();
  }
  Result<ModelRegistry> registry = Open(directory);
  if (!registry.ok()) {
    return registry.status();
  }
  if (Status changed = change(*registry); !changed.ok()) {
    return changed;
  }
  return registry->Save();
}

Result<std::optional<LiveModel>> ModelRegistry::ReadLiveModel(const std::string& directory) {
  Result<ModelRegistry> registry = Open(directory);
  if (!registry.ok()) {
    return registry.status();
  }
  const ModelEntry* live = registry->live();
  if (live == nullptr) {
    return std::optional<LiveModel>();
  }
  return std::optional<LiveModel>(LiveModel{live->version, registry->BundlePath(*live)});
}

const ModelEntry* ModelRegistry::Find(const std::string& version) const {
  for (const ModelEntry& entry : entries_) {
    if (entry.version == version) {
      return &entry;
    }
  }
  return nullptr;
}

ModelEntry* ModelRegistry::FindMutable(const std::string& version) {
  return const_cast<ModelEntry*>(Find(version));
}

const ModelEntry* ModelRegistry::live() const {
  for (const ModelEntry& entry : entries_) {
    if (entry.state == ModelState::kLive) {
      return &entry;
    }
  }
  return nullptr;
}

std::string ModelRegistry::BundlePath(const ModelEntry& entry) const {
  return (std::filesystem::path(directory_) / entry.file).string();
}

void ModelRegistry::SetLive(ModelEntry& entry, const std::string& what, const std::string& detail) {
  const std::string now = NowUtc();
  for (ModelEntry& other : entries_) {
    if (other.state == ModelState::kLive && other.version != entry.version) {
      other.state = ModelState::kRetired;
      other.history.push_back({now, "retired", "replaced by " + entry.version});
    }
  }
  entry.state = ModelState::kLive;
  entry.history.push_back({now, what, detail});
}

Result<std::string> ModelRegistry::Add(const ModelBundle& bundle, ModelEntry entry) {
  entry.version = ModelVersionId(bundle);
  if (Find(entry.version) != nullptr) {
    return AlreadyExists("model version " + entry.version + " is already registered in " +
                         registry_path());
  }
  entry.file = entry.version + ".atm";
  const std::string path = BundlePath(entry);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (Status saved = bundle.Save(path); !saved.ok()) {
      return saved;
    }
  }
  if (entry.created_at.empty()) {
    entry.created_at = bundle.metadata().created_at;
  }
  const ModelState state = entry.state;
  entry.state = ModelState::kCandidate;
  entry.history.push_back({NowUtc(), "registered", std::string(ToString(state))});
  entries_.push_back(std::move(entry));
  ModelEntry& added = entries_.back();
  if (state == ModelState::kLive) {
    if (const ModelEntry* old = live(); old != nullptr) {
      previous_live_.push_back(old->version);
    }
    SetLive(added, "promoted", "on registration");
  } else {
    added.state = state;
  }
  return added.version;
}

Status ModelRegistry::Promote(const std::string& version, bool force, const std::string& actor) {
  ModelEntry* entry = FindMutable(version);
  if (entry == nullptr) {
    return NotFound("no model version " + version + " in " + registry_path() +
                    " (see `autotriage models list`)");
  }
  if (entry->state == ModelState::kLive) {
    return FailedPrecondition("version " + version + " is already live");
  }
  const bool worse = entry->evaluation.has_value() && entry->evaluation->worse;
  if (worse && !force) {
    return FailedPrecondition(
        "version " + version + " evaluated worse than the live model on the held-back slice (" +
        entry->evaluation->verdict + "); promote it anyway with --force (recorded in its history)");
  }
  std::error_code ec;
  if (!std::filesystem::exists(BundlePath(*entry), ec)) {
    return FailedPrecondition("the bundle file " + BundlePath(*entry) + " of version " + version +
                              " is missing");
  }
  if (const ModelEntry* old = live(); old != nullptr) {
    previous_live_.push_back(old->version);
  }
  std::string detail = "by " + actor;
  if (worse) {
    detail += ", forced despite a worse evaluation";
  }
  SetLive(*entry, "promoted", detail);
  return Status::Ok();
}

Result<std::string> ModelRegistry::Rollback(const std::string& actor) {
  const ModelEntry* current = live();
  while (!previous_live_.empty()) {
    const std::string previous = previous_live_.back();
    previous_live_.pop_back();
    if (current != nullptr && previous == current->version) {
      continue;  // promoted twice in a row: nothing to go back to in this step
    }
    ModelEntry* entry = FindMutable(previous);
    std::error_code ec;
    if (entry == nullptr || !std::filesystem::exists(BundlePath(*entry), ec)) {
      return FailedPrecondition("the previous live version " + previous +
                                " has no bundle file in " + directory_ + "; nothing changed");
    }
    SetLive(
        *entry, "rolled back",
        "by " + actor + (current != nullptr ? ", replacing " + current->version : std::string()));
    return previous;
  }
  return FailedPrecondition("no previous live model to roll back to in " + registry_path() +
                            " (only a version that was live before the current one can be "
                            "restored; `autotriage models promote VERSION` picks any version)");
}

Status ModelRegistry::Save() const {
  nlohmann::json j;
  j["format"] = kRegistryFormat;
  const ModelEntry* current = live();
  j["live"] = current != nullptr ? current->version : "";
  j["previous_live"] = previous_live_;
  j["versions"] = nlohmann::json::array();
  for (const ModelEntry& entry : entries_) {
    j["versions"].push_back(EntryJson(entry));
  }
  const std::string path = registry_path();
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << j.dump(2) << "\n";
    out.flush();
    if (!out) {
      std::filesystem::remove(temp);
      return IoError("cannot write " + temp + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp);
    return IoError("cannot replace " + path + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace autotriage
