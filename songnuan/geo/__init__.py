"""Geography without Django: coordinate systems, distances and Qingdao's districts."""
