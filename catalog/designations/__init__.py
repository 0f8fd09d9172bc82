"""定点服务资格 (MALL-2): which suppliers may list and take orders in designated service categories."""
