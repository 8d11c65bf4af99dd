# The "2x" schedule: the 1x schedule (schedule_1x.py) stretched to 24 epochs,
# the learning rate divided by 10 after epochs 16 and 22. mmdet's own
# (configs/_base_/schedules/schedule_2x.py), inherited rather than copied.
_base_ = 'mmdet::_base_/schedules/schedule_2x.py'
