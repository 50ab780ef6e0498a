"""Default alarm packs, one module per service; every alarm notifies the environment's alarm topic.

Each pack takes plain values known at synth (identifiers, counts), never the service's
construct, so it can be built and tested on its own. ``spec`` holds the value objects that
describe one alarm; ``pack`` turns them into CloudWatch metric alarms.
"""
