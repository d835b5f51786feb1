#include "exchange/audit/index_backlog.h"

#include <algorithm>

namespace datarun::audit {
namespace {

void AppendFrom(const IndexBacklog::Group& group, const std::string& term,
                uint64_t from, std::vector<Posting>* out) {
  auto it = group.by_term.find(term);
  if (it == group.by_term.end()) return;
  for (const Posting& posting : it->second) {
    if (posting.index >= from) out->push_back(posting);
  }
}

}  // namespace

IndexBacklog::IndexBacklog(uint64_t indexed, uint64_t group_entries)
    : group_entries_(std::max<uint64_t>(group_entries, 1)),
      indexed_(indexed),
      current_(std::make_unique<Group>()) {
  current_->begin = current_->end = indexed;
}

void IndexBacklog::AddEntry(
    uint64_t index, int64_t time_micros,
    const absl::string_view (&values)[std::size(kIndexKinds)]) {
  absl::MutexLock lock(&mu_);
  if (index - current_->begin >= group_entries_) {
    sealed_.push_back(std::move(current_));
    current_ = std::make_unique<Group>();
    current_->begin = index;
  }
  current_->end = index + 1;
  for (size_t k = 0; k < std::size(kIndexKinds); ++k) {
    if (values[k].empty()) continue;
    term_.assign(1, static_cast<char>(kIndexKinds[k]));
    term_.append(values[k].data(), values[k].size());
    current_->by_term[term_].push_back(Posting{index, time_micros});
    ++postings_;
  }
}

void IndexBacklog::SealCurrent() {
  absl::MutexLock lock(&mu_);
  if (current_->end == current_->begin) return;
  const uint64_t end = current_->end;
  sealed_.push_back(std::move(current_));
  current_ = std::make_unique<Group>();
  current_->begin = current_->end = end;
}

uint64_t IndexBacklog::Find(IndexKind kind, absl::string_view value,
                            std::vector<Posting>* out) const {
  out->clear();
  std::string term(1, static_cast<char>(kind));
  term.append(value.data(), value.size());
  absl::MutexLock lock(&mu_);
  for (const auto& group : sealed_) AppendFrom(*group, term, indexed_, out);
  AppendFrom(*current_, term, indexed_, out);
  return indexed_;
}

std::shared_ptr<const IndexBacklog::Group> IndexBacklog::NextToIngest(
    uint64_t durable) {
  absl::MutexLock lock(&mu_);
  if (handed_out_ == sealed_.size()) return nullptr;
  if (sealed_[handed_out_]->end > durable) return nullptr;
  return sealed_[handed_out_++];
}

void IndexBacklog::Indexed(const Group& group) {
  absl::MutexLock lock(&mu_);
  if (sealed_.empty() || sealed_.front().get() != &group) return;
  for (const auto& [term, postings] : group.by_term) {
    postings_ -= postings.size();
  }
  indexed_ = group.end;
  sealed_.pop_front();
  if (handed_out_ > 0) --handed_out_;
}

uint64_t IndexBacklog::indexed() const {
  absl::MutexLock lock(&mu_);
  return indexed_;
}

size_t IndexBacklog::postings() const {
  absl::MutexLock lock(&mu_);
  return postings_;
}

std::vector<std::pair<std::string, std::string>> IndexBlocks(
    const IndexBacklog::Group& group) {
  std::vector<std::pair<std::string, std::string>> blocks;
  blocks.reserve(group.by_term.size());
  for (const auto& [term, postings] : group.by_term) {
    const uint64_t last = postings.back().index;
    std::string value;
    value.reserve(postings.size() * 10);
    for (const Posting& p : postings) {
      AppendPosting(last, p.index, p.time_micros, &value);
    }
    blocks.emplace_back(IndexBlockKey(static_cast<IndexKind>(term[0]),
                                      absl::string_view(term).substr(1), last),
                        std::move(value));
  }
  std::sort(blocks.begin(), blocks.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return blocks;
}

}  // namespace datarun::audit
