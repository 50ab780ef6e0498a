"""Tags the ingress constructs put on what they create, which guardrail rules read (no cdktf here).

A guardrail rule sees one resource at a time; these tags carry the one fact a rule cannot see from the
resource itself.
"""

#: On a security-group ingress rule: it opens a listener port of an internet-facing load balancer, the
#: only place an ingress from anywhere (``0.0.0.0/0``) is accepted.
EXPOSURE_TAG = "platform:exposure"
INTERNET_FACING_LISTENER = "internet-facing-listener"
#: Ports an internet-facing load balancer listens on: HTTPS, and HTTP only to redirect to HTTPS.
LISTENER_PORTS = (80, 443)
#: On an internet-facing load balancer: the name of the web ACL associated with it in the same stack.
WEB_ACL_TAG = "platform:web-acl"
