// A fixed-capacity ring of the most recent items (driver-monitoring frames' measurements):
// storage is allocated once, the oldest item is overwritten, nothing ever goes to disk. This is
// how long the DMS remembers anything (R7: bounded buffers, deleted after processing).
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

namespace onboard::dms {

template <typename T>
class RecentRing {
 public:
  explicit RecentRing(size_t capacity) : items_(capacity) { assert(capacity > 0); }

  void push(const T& item) {
    items_[head_] = item;
    head_ = (head_ + 1) % items_.size();
    if (size_ < items_.size()) ++size_;
  }
  size_t size() const { return size_; }
  size_t capacity() const { return items_.size(); }
  // i = 0 is the oldest item kept, size() - 1 the newest.
  const T& operator[](size_t i) const {
    assert(i < size_);
    return items_[(head_ + items_.size() - size_ + i) % items_.size()];
  }
  void clear() { size_ = 0; }

 private:
  std::vector<T> items_;
  size_t head_ = 0, size_ = 0;
};

}  // namespace onboard::dms
