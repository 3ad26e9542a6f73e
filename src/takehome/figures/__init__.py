"""Line-art figures of the stretches, drawn by takehome itself (no image files)."""
