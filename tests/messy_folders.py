"""Small labelled folders as users bring them, built in tmp for the tests.

Every function writes real image files (PIL) and the annotation files a
labelling tool writes, and returns what a correct converter must make of
them, computed by hand in the comments.
"""
import json
import os
import os.path as osp

from PIL import Image

RED = (255, 0, 0)


def save_image(path, size, mode='RGB', orientation=None, mark=False):
    """A gray image; ``mark`` paints the raw top-left 4x4 pixels red, so a
    test can see where a rotation moved them."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    colour = {'RGB': (90, 90, 90), 'L': 90, 'RGBA': (90, 90, 90, 128)}[mode]
    im = Image.new(mode, size, colour)
    if mark:
        im.paste(Image.new(mode, (4, 4), RED), (0, 0))
    kwargs = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs['exif'] = exif
    im.save(path, **kwargs)


def voc_xml(filename, size, objects):
    """A LabelImg XML; ``objects`` are (name, xmin, ymin, xmax, ymax)."""
    objs = ''.join(
        f'<object><name>{n}</name><difficult>0</difficult><bndbox>'
        f'<xmin>{a}</xmin><ymin>{b}</ymin><xmax>{c}</xmax><ymax>{d}</ymax>'
        '</bndbox></object>' for n, a, b, c, d in objects)
    w, h = size
    return (f'<annotation><folder>images</folder><filename>{filename}'
            f'</filename><size><width>{w}</width><height>{h}</height>'
            f'<depth>3</depth></size>{objs}</annotation>')


def labelimg_folder(root):
    """LabelImg's layout with every mess of the issue. Hand-computed:

    * classes: 'Cat' x1 + 'cat' x4 -> 'cat'; 'dog ' (tidied to 'dog') +
      'dog' + 'DOG' -> 'dog': 2 spellings merged;
    * boxes: 8 objects; 1 degenerate (width 0) dropped; 1 over the
      right border of cat 1.jpg clipped: 7 kept;
    * cat 1.jpg: VOC box 11,11,30,30 -> COCO [10, 10, 20, 20];
    * rot.jpg: raw 60x40 with EXIF orientation 6; the XML says 40x60 (the
      rotated frame) -> written 40x60, the red mark at the top right;
    * raw.jpg: same raw image; the XML says 60x40 -> written 60x40, not
      rotated, the mark at the top left;
    * wrong.jpg: 32x32, the XML says 100x100 -> size wrong, 32x32 used;
    * gray_é.png: grayscale, XML size 0; rgba.png: RGBA, no objects.
    """
    img, ann = osp.join(root, 'images'), osp.join(root, 'annotations')
    os.makedirs(ann)
    save_image(osp.join(img, 'cat 1.jpg'), (64, 48))
    save_image(osp.join(img, 'gray_é.png'), (50, 40), mode='L')
    save_image(osp.join(img, 'rgba.png'), (40, 40), mode='RGBA')
    save_image(osp.join(img, 'rot.jpg'), (60, 40), orientation=6, mark=True)
    save_image(osp.join(img, 'raw.jpg'), (60, 40), orientation=6, mark=True)
    save_image(osp.join(img, 'wrong.jpg'), (32, 32))
    xmls = {
        'cat 1': voc_xml('cat 1.jpg', (64, 48), [
            ('Cat', 11, 11, 30, 30), ('dog ', 41, 5, 80, 40)]),
        'gray_é': voc_xml('gray_é.png', (0, 0), [
            ('cat', 6, 6, 20, 20), ('cat', 10, 10, 9, 30)]),
        'rgba': voc_xml('rgba.png', (40, 40), []),
        'rot': voc_xml('rot.jpg', (40, 60), [('DOG', 5, 5, 30, 50)]),
        'raw': voc_xml('raw.jpg', (60, 40), [('cat', 5, 5, 50, 30)]),
        'wrong': voc_xml('wrong.jpg', (100, 100), [('dog', 5, 5, 20, 20),
                                                   ('cat', 2, 2, 10, 10)]),
    }
    for stem, text in xmls.items():
        with open(osp.join(ann, f'{stem}.xml'), 'w', encoding='utf-8') as f:
            f.write(text)
    return root


def coco_folder(root):
    """One COCO json beside images/; 3 images, one polygon per object."""
    for i in range(3):
        save_image(osp.join(root, 'images', f'{i}.jpg'), (40, 30))
    data = dict(
        images=[dict(id=i + 10, file_name=f'{i}.jpg', width=40, height=30)
                for i in range(3)],
        categories=[dict(id=7, name='bolt'), dict(id=9, name='nut')],
        annotations=[
            dict(id=1, image_id=10, category_id=7, bbox=[2, 3, 10, 8],
                 iscrowd=0, segmentation=[[2, 3, 12, 3, 12, 11, 2, 11]]),
            dict(id=2, image_id=11, category_id=9, bbox=[5, 5, 20, 10],
                 iscrowd=0, segmentation=[[5, 5, 25, 5, 25, 15]]),
            dict(id=3, image_id=12, category_id=9, bbox=[0, 0, 8, 8],
                 iscrowd=0, segmentation=[[0, 0, 8, 0, 8, 8, 0, 8]])])
    with open(osp.join(root, 'annotations.json'), 'w') as f:
        json.dump(data, f)
    return root


def labelme_folder(root):
    """labelme: a json beside each image, one polygon and one rectangle."""
    for i, shapes in enumerate([
        [dict(label='leaf', shape_type='polygon',
              points=[[2, 2], [20, 2], [20, 12]])],
        [dict(label='Leaf', shape_type='rectangle',
              points=[[30, 20], [5, 4]])],
        [dict(label='stem', shape_type='polygon',
              points=[[1, 1], [9, 1], [9, 9], [1, 9]])],
    ]):
        save_image(osp.join(root, f'p{i}.png'), (40, 30))
        with open(osp.join(root, f'p{i}.json'), 'w') as f:
            json.dump(dict(version='5.2.1', shapes=shapes,
                           imagePath=f'p{i}.png', imageData=None,
                           imageHeight=30, imageWidth=40), f)
    return root


def via_folder(root):
    """A VIA 2 project export: rect, polygon and circle regions."""
    meta = {}
    regions = [
        [dict(shape_attributes=dict(name='rect', x=3, y=4, width=10,
                                    height=6),
              region_attributes=dict(type='apple'))],
        [dict(shape_attributes=dict(name='polygon', all_points_x=[1, 11, 11],
                                    all_points_y=[2, 2, 12]),
              region_attributes=dict(type='pear'))],
        [dict(shape_attributes=dict(name='circle', cx=20, cy=15, r=5),
              region_attributes=dict(type='apple'))],
    ]
    for i, regs in enumerate(regions):
        save_image(osp.join(root, 'img', f'f{i}.jpg'), (40, 30))
        meta[f'f{i}.jpg1234'] = dict(filename=f'f{i}.jpg', size=1234,
                                     regions=regs, file_attributes={})
    with open(osp.join(root, 'via_project.json'), 'w') as f:
        json.dump(dict(_via_settings={}, _via_img_metadata=meta), f)
    return root


def yolo_folder(root):
    """YOLO with its own split: images/{train,val}, labels/{train,val}.
    ``0 0.5 0.5 0.5 0.5`` on a 40x20 image is the box [10, 5, 30, 15]."""
    for split, n in (('train', 2), ('val', 1)):
        for i in range(n):
            save_image(osp.join(root, 'images', split, f'{split}{i}.jpg'),
                       (40, 20))
            os.makedirs(osp.join(root, 'labels', split), exist_ok=True)
            with open(osp.join(root, 'labels', split, f'{split}{i}.txt'),
                      'w') as f:
                f.write('0 0.5 0.5 0.5 0.5\n1 0.25 0.25 0.1 0.1\n')
    with open(osp.join(root, 'data.yaml'), 'w') as f:
        f.write('names:\n  0: car\n  1: bike\n')
    return root
