// After the first frame of a size, FacePipeline::process makes no heap allocation through
// operator new (counted by replacing it in this binary): buffers are planned at load.
#include <gtest/gtest.h>

#include "../allocation_counter.h"
#include "vision/face_pipeline.h"
#include "vision/image_file.h"

namespace onboard::vision {
namespace {

TEST(FacePipelineMemory, ProcessDoesNotAllocatePerFrame) {
  auto p = FacePipeline::load(default_detector_path(), default_mesh_path());
  ASSERT_TRUE(p.ok()) << p.error().message;
  auto img = read_image("/usr/lib/python3/dist-packages/skimage/data/astronaut.png");
  ASSERT_TRUE(img.ok()) << img.error().message;
  for (int threads : {1, 2}) {
    ASSERT_TRUE(p->process(*img, threads).ok());  // first frame: thread pool, staging buffer
    g_allocations = 0;
    g_counting = true;
    bool found = true;
    for (int i = 0; i < 3; ++i) {
      auto r = p->process(*img, threads);
      found = found && r.ok() && r->has_value() && (*r)->landmarks.has_value();
    }
    g_counting = false;
    EXPECT_TRUE(found);
    EXPECT_EQ(g_allocations.load(), 0) << threads << " thread(s)";
  }
  {  // the counter itself works
    g_allocations = 0;
    g_counting = true;
    auto probe = std::make_unique<std::vector<int>>(100);
    g_counting = false;
    EXPECT_GE(g_allocations.load(), 2);
  }
}

}  // namespace
}  // namespace onboard::vision
