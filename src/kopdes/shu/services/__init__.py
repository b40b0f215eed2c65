"""Every write of the SHU (`computation`): simulate, approve (called by the RAT), post, pay."""

from kopdes.shu.services.computation import CHANNELS, shu_approve, shu_pay, shu_post, shu_simulate

__all__ = ["CHANNELS", "shu_approve", "shu_pay", "shu_post", "shu_simulate"]
