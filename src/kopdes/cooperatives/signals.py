"""Events of the tenant that higher layers follow without this layer importing them.

`policy_changed(policy, actor)` is sent inside the transaction that records a policy version, so a
receiver's writes (savings products following the new rates) commit or roll back with it.
"""

from django.dispatch import Signal

policy_changed = Signal()
