/// Follows governor contracts' events through reorgs; see LogFollower.
