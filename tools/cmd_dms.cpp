// onboard dms --video FILE | --camera N | --image FILE [--speed KMH] [--show] [--out FILE]:
// driver monitoring on a video, a camera or a photo; prints the warnings with their timestamps.
// Nothing is written anywhere unless --out asks for the annotated video.
#include <cstdio>
#include <string>
#include <vector>

#include "cli_options.h"
#include "commands.h"
#include "dms/annotated_video.h"
#include "dms/driver_monitor.h"
#include "dms/frame_source.h"

namespace onboard::cli {
namespace {

const char* level_name(int level) {
  static const char* kNames[] = {"info", "notice", "WARNING", "URGENT"};
  return kNames[level < 0 ? 0 : level > 3 ? 3 : level];
}

}  // namespace

int cmd_dms(int argc, char** argv) {
  CLI::App app{"Driver monitoring: distraction, drowsiness and sleep warnings from a camera or video", "onboard dms"};
  std::string video, image, out, config_path;
  int camera = -1, threads = 1;
  int64_t max_frames = 0;
  float speed = 80;
  bool show = false;
  dms::DriverMonitorOptions options;
  app.add_option("--video", video, "video file to analyse");
  app.add_option("--camera", camera, "V4L2 camera index (/dev/videoN)");
  app.add_option("--image", image, "a single photo: print the face measurements");
  app.add_option("--speed", speed, "vehicle speed in km/h (warnings depend on it)")->capture_default_str();
  app.add_option("--config", config_path, "DMS thresholds (JSON; default: the built-in values of config/dms/default.json)");
  app.add_option("-t,--threads", threads, "threads for the face models")->capture_default_str();
  app.add_option("--detector", options.detector_path, "BlazeFace model (.tflite)")->capture_default_str();
  app.add_option("--mesh", options.mesh_path, "face mesh: face_landmark.tflite or the packed assets (.data)")->capture_default_str();
  app.add_option("--max-frames", max_frames, "stop after this many frames (0: all)");
  app.add_flag("--show", show, "show the annotated frames in a window");
  app.add_option("--out", out, "write the annotated video here (.mp4 or .avi); nothing is written otherwise");
  CLI11_PARSE(app, argc, argv);

  if ((video.empty() ? 0 : 1) + (image.empty() ? 0 : 1) + (camera >= 0 ? 1 : 0) != 1) {
    std::fprintf(stderr, "onboard dms: give exactly one of --video FILE, --camera N, --image FILE\n");
    return 2;
  }
  if (!config_path.empty()) {
    auto c = dms::DmsConfig::load(config_path);
    if (!c.ok()) return fail(c.error());
    options.config = *c;
  }
  options.n_threads = threads;
  auto source = !video.empty() ? dms::FrameSource::open_video(video)
                : !image.empty() ? dms::FrameSource::open_image(image)
                                 : dms::FrameSource::open_camera(camera);
  if (!source.ok()) return fail(source.error());
  auto monitor = dms::DriverMonitor::load(options);
  if (!monitor.ok()) return fail(monitor.error());

  std::optional<dms::AnnotatedVideo> writer;
  vision::Image frame;
  std::vector<dms::DmsEvent> events;
  std::string last_warning;
  int64_t frames = 0, faces = 0;
  double detect_ms = 0, mesh_ms = 0;
  double t = 0;
  while (max_frames == 0 || frames < max_frames) {
    auto more = source->next(frame, t);
    if (!more.ok()) return fail(more.error());
    if (!*more) break;
    events.clear();
    auto r = monitor->process(frame, t, speed, events);
    if (!r.ok()) return fail(r.error());
    ++frames;
    faces += r->face_found;
    detect_ms += r->times.detect_ms;
    mesh_ms += r->times.mesh_ms;
    for (const auto& e : events) {
      std::printf("[%9.3f s] %-7s %s: %s\n", e.t_s, level_name(e.level), dms::to_string(e.kind), e.detail.c_str());
      if (e.level >= 1) last_warning = std::string(dms::to_string(e.kind)) + ": " + e.detail;
    }
    std::fflush(stdout);
    if (!image.empty()) {
      if (r->face_found)
        std::printf("face: box (%.0f, %.0f)-(%.0f, %.0f) score %.2f; yaw %.1f pitch %.1f roll %.1f deg; EAR left %.3f right %.3f; mouth %.3f\n",
                    r->detection.x0, r->detection.y0, r->detection.x1, r->detection.y1, r->detection.score, r->measures.pose.yaw,
                    r->measures.pose.pitch, r->measures.pose.roll, r->measures.ear_left, r->measures.ear_right, r->measures.mouth);
      else
        std::printf("no face\n");
    }
    if (!out.empty()) {
      if (!writer) {
        auto w = dms::AnnotatedVideo::create(out, frame.width, frame.height, source->fps());
        if (!w.ok()) return fail(w.error());
        writer.emplace(std::move(*w));
      }
      if (auto s = writer->write(frame, *r, *monitor, last_warning); !s.ok()) return fail(s.error());
    }
    if (show) dms::AnnotatedVideo::show(frame, *r, *monitor, last_warning);
  }
  const auto& sig = monitor->rules().signals();
  std::fprintf(stderr, "%lld frames (%.1f s of %s), face in %lld; mean detect %.2f ms, mesh %.2f ms; "
               "final: distraction %.0f%%, fatigue %.0f%%, attentive %.0f%%, eyes on road %s\n",
               static_cast<long long>(frames), t, source->name().c_str(), static_cast<long long>(faces),
               frames ? detect_ms / frames : 0.0, frames ? mesh_ms / frames : 0.0, sig.distraction_level, sig.fatigue_level,
               sig.attentive_probability, sig.is_eyes_on_road ? "yes" : "no");
  return 0;
}

}  // namespace onboard::cli
