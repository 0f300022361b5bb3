// KbIndex writes: every change goes to the SQLite file in one transaction and, once committed,
// to the in-memory BM25F postings and dense vectors, under the exclusive state lock; and the
// postings are built from the file when the index is opened.
#include <sqlite3.h>

#include <sstream>

#include "autotriage/knowledge/kb_index_impl.h"
#include "autotriage/knowledge/kb_sqlite.h"
#include "autotriage/knowledge/kb_terms.h"

namespace autotriage::kb_internal {

namespace {

struct PreparedDocument {
  const KbDocument* source;
  std::string language;
  std::string body;  // truncated to max_body_bytes
  std::vector<std::string> title_terms;
  std::vector<std::string> body_terms;
};

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace

Status SqliteKbIndex::Upsert(const std::vector<KbDocument>& documents) {
  for (size_t i = 0; i < documents.size(); ++i) {
    if (documents[i].id.empty()) {
      return InvalidArgument("KB document " + std::to_string(i) + " has no id");
    }
    if (documents[i].title.empty()) {
      return InvalidArgument("KB document " + std::to_string(i) + " (" + documents[i].id +
                             ") has no title");
    }
  }
  // Stemming is the expensive part: done before taking the write lock.
  std::vector<PreparedDocument> prepared;
  prepared.reserve(documents.size());
  for (const KbDocument& document : documents) {
    PreparedDocument p;
    p.source = &document;
    p.language = Language(document.language);
    p.body = std::string(TruncateUtf8(document.body_text, options_.max_body_bytes));
    p.title_terms = Terms(document.title, p.language);
    p.body_terms = Terms(p.body, p.language);
    prepared.push_back(std::move(p));
  }

  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement find(writer_.db, "SELECT rowid FROM documents WHERE id = ?1");
  Statement insert(writer_.db,
                   "INSERT INTO documents(id, source, title, body, url, language, updated_at, "
                   "content_hash, vector) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  Statement update(writer_.db,
                   "UPDATE documents SET source = ?2, title = ?3, body = ?4, url = ?5, "
                   "language = ?6, updated_at = ?7, content_hash = ?8, vector = ?9 "
                   "WHERE rowid = ?1");
  Statement insert_terms(writer_.db,
                         "INSERT INTO terms(rowid, title, body, linked) VALUES (?1, ?2, ?3, '')");
  Statement update_terms(writer_.db, "UPDATE terms SET title = ?2, body = ?3 WHERE rowid = ?1");
  Status status = find.status("KB upsert");
  for (const Statement* s : {&insert, &update, &insert_terms, &update_terms}) {
    if (status.ok()) {
      status = s->status("KB upsert");
    }
  }
  std::vector<std::pair<int64_t, std::vector<float>>> new_vectors;
  std::vector<float> vector;
  std::vector<std::string> all_terms;  // title + body, for the dense vector
  for (size_t i = 0; i < prepared.size() && status.ok(); ++i) {
    const PreparedDocument& p = prepared[i];
    const KbDocument& d = *p.source;
    find.Reset();
    find.Bind(1, d.id);
    const bool exists = find.Step() == SQLITE_ROW;
    int64_t rowid = exists ? find.Int(0) : 0;
    all_terms = p.title_terms;
    all_terms.insert(all_terms.end(), p.body_terms.begin(), p.body_terms.end());
    const bool has_vector = !dense_.empty() && dense_.Embed(all_terms, &vector);
    Statement& write = exists ? update : insert;
    write.Reset();
    if (exists) {
      write.Bind(1, rowid);
    } else {
      write.Bind(1, d.id);
    }
    write.Bind(2, d.source);
    write.Bind(3, d.title);
    write.Bind(4, p.body);
    write.Bind(5, d.url);
    write.Bind(6, p.language);
    write.Bind(7, d.updated_at);
    write.Bind(8, d.content_hash);
    if (has_vector) {
      write.BindBlob(9, vector.data(), vector.size() * sizeof(float));
    } else {
      write.BindNull(9);
    }
    if (write.Step() != SQLITE_DONE) {
      status = SqlError("cannot write a KB document");
      break;
    }
    if (!exists) {
      rowid = sqlite3_last_insert_rowid(writer_.db);
    }
    Statement& terms = exists ? update_terms : insert_terms;
    terms.Reset();
    terms.Bind(1, rowid);
    terms.Bind(2, JoinTerms(p.title_terms));
    terms.Bind(3, JoinTerms(p.body_terms));
    if (terms.Step() != SQLITE_DONE) {
      status = SqlError("cannot index a KB document");
      break;
    }
    new_vectors.emplace_back(rowid, has_vector ? vector : std::vector<float>());
  }
  if (!status.ok()) {
    (void)Exec("ROLLBACK");
    return status;
  }
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("COMMIT"));
  for (size_t i = 0; i < new_vectors.size(); ++i) {
    auto& [rowid, doc_vector] = new_vectors[i];
    if (doc_vector.empty()) {
      dense_.RemoveDoc(rowid);
    } else {
      dense_.SetDoc(rowid, doc_vector);
    }
    postings_.SetDocument(rowid, prepared[i].title_terms, prepared[i].body_terms);
  }
  for (const PreparedDocument& p : prepared) {
    languages_.insert(p.language);
  }
  return Status::Ok();
}

Status SqliteKbIndex::Remove(const std::string& id) {
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  Statement find(writer_.db, "SELECT rowid FROM documents WHERE id = ?1");
  AUTOTRIAGE_RETURN_IF_ERROR(find.status("KB remove"));
  find.Bind(1, id);
  if (find.Step() != SQLITE_ROW) {
    return Status::Ok();
  }
  const int64_t rowid = find.Int(0);
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement drop_terms(writer_.db, "DELETE FROM terms WHERE rowid = ?1");
  Statement drop_document(writer_.db, "DELETE FROM documents WHERE rowid = ?1");
  drop_terms.Bind(1, rowid);
  drop_document.Bind(1, rowid);
  if (drop_terms.Step() != SQLITE_DONE || drop_document.Step() != SQLITE_DONE) {
    Status error = SqlError("cannot remove KB document " + id);
    (void)Exec("ROLLBACK");
    return error;
  }
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("COMMIT"));
  dense_.RemoveDoc(rowid);
  postings_.RemoveDocument(rowid);
  return Status::Ok();
}

Status SqliteKbIndex::AddLinkedText(const std::string& id, std::string_view text) {
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  Statement find(writer_.db, "SELECT rowid, language FROM documents WHERE id = ?1");
  AUTOTRIAGE_RETURN_IF_ERROR(find.status("KB linked text"));
  find.Bind(1, id);
  if (find.Step() != SQLITE_ROW) {
    return NotFound("KB document " + id + " is not in the index " + path_);
  }
  const int64_t rowid = find.Int(0);
  const std::vector<std::string> linked = Terms(text, Language(find.Text(1)));
  if (linked.empty()) {
    return Status::Ok();
  }
  const std::string terms = JoinTerms(linked);
  Statement append(writer_.db,
                   "UPDATE terms SET linked = CASE WHEN linked = '' THEN ?2 "
                   "ELSE linked || ' ' || ?2 END WHERE rowid = ?1");
  AUTOTRIAGE_RETURN_IF_ERROR(append.status("KB linked text"));
  append.Bind(1, rowid);
  append.Bind(2, terms);
  if (append.Step() != SQLITE_DONE) {
    return SqlError("cannot add linked text");
  }
  postings_.AddLinked(rowid, linked);
  return Status::Ok();
}

Status SqliteKbIndex::ClearLinkedText() {
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  AUTOTRIAGE_RETURN_IF_ERROR(Exec("UPDATE terms SET linked = '' WHERE linked != ''"));
  postings_.ClearLinked();
  return Status::Ok();
}

Status SqliteKbIndex::LoadPostings() {
  Statement rows(writer_.db, "SELECT rowid, title, body, linked FROM terms");
  AUTOTRIAGE_RETURN_IF_ERROR(rows.status("KB index " + path_));
  Bm25fPostings postings;
  int rc;
  while ((rc = rows.Step()) == SQLITE_ROW) {
    const int64_t rowid = rows.Int(0);
    postings.SetDocument(rowid, SplitSpaces(rows.Text(1)), SplitSpaces(rows.Text(2)));
    postings.AddLinked(rowid, SplitSpaces(rows.Text(3)));
  }
  if (rc != SQLITE_DONE) {
    return SqlError("cannot read the KB index terms");
  }
  postings_ = std::move(postings);
  return Status::Ok();
}

}  // namespace autotriage::kb_internal
