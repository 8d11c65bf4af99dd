# RefineDet512: RefineDet320's network unchanged, fed 512x512 images. The
# four levels become 64/32/16/8 cells and the anchors 16,320 (vs 6,375): the
# same anchor sizes (32..256 px) now cover objects that are smaller relative
# to the image, which is where the paper's +1.8 VOC mAP over RefineDet320
# comes from. The input size itself is set by the dataset pipeline; it is
# recorded here for the configs that build that pipeline.
_base_ = './refinedet320.py'
input_size = 512
