"""Environment diagrams from the synthesized stacks: the picture (model) and its SVG rendering (svg)."""
