import test from 'ava';
import { area, bottomCentre, inAny, maskPolygons, pointInPolygon, polygonProblem, rectProblem, type Polygon } from '../../../src/geometry/polygon.js';

const square: Polygon = [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]];
// An L shape: the notch (0.4..0.6, 0.2..0.4) is outside.
const ell: Polygon = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.2, 0.6]];

test('pointInPolygon: inside, outside, concave notch, either winding', (t) => {
  t.true(pointInPolygon(0.4, 0.4, square), 'centre of the square is inside');
  t.false(pointInPolygon(0.1, 0.4, square), 'left of the square is outside');
  t.false(pointInPolygon(0.4, 0.7, square), 'below the square is outside');
  t.true(pointInPolygon(0.3, 0.3, ell), 'the L arm is inside');
  t.false(pointInPolygon(0.5, 0.3, ell), 'the L notch is outside');
  t.true(pointInPolygon(0.5, 0.5, ell), 'the L foot is inside');
  t.true(pointInPolygon(0.4, 0.4, [...square].reverse()), 'clockwise or counter-clockwise: same answer');
  t.true(pointInPolygon(0.5, 0.2, [[0.5, 0], [1, 1], [0, 1]]), 'inside a triangle near its apex');
  t.false(pointInPolygon(0.2, 0.2, [[0.5, 0], [1, 1], [0, 1]]), 'outside the triangle beside its apex');
});

test('bottomCentre is the middle of the bottom edge; inAny over several polygons', (t) => {
  t.deepEqual(bottomCentre([0.2, 0.1, 0.4, 0.9]), [0.30000000000000004, 0.9], 'x mid, y bottom');
  const cut = bottomCentre([0.5, 0.8, 0.7, 1]);
  t.true(pointInPolygon(...cut, [[0, 0.5], [1, 0.5], [1, 1], [0, 1]]), 'a box cut off by the bottom edge stands inside a zone drawn to y = 1');
  t.true(inAny(0.9, 0.9, [square, [[0.8, 0.8], [1, 0.8], [1, 1], [0.8, 1]]]), 'in the second polygon');
  t.false(inAny(0.7, 0.7, [square]), 'in none');
  t.false(inAny(0.5, 0.5, []), 'no polygons: in none');
});

test('maskPolygons turns rectangles into polygons and keeps polygons', (t) => {
  t.deepEqual(maskPolygons([[0, 0, 0.5, 0.25], square]), [[[0, 0], [0.5, 0], [0.5, 0.25], [0, 0.25]], square], 'rectangle corners in order, polygon as is');
  t.is(area(maskPolygons([[0, 0, 0.5, 0.25]])[0]!), 0.125, 'the rectangle keeps its area');
});

test('polygonProblem names what is wrong', (t) => {
  t.is(polygonProblem(square), null, 'a square is fine');
  t.is(polygonProblem('x'), 'must be an array of [x, y] points, got x', 'not an array');
  t.is(polygonProblem([[0, 0], [1, 1]]), 'needs at least 3 [x, y] points, got 2', 'two points');
  t.is(polygonProblem([[0, 0], [1, 0], [1]]), 'point 2 must be [x, y] with two numbers, got [1]', 'a point of one number');
  t.is(polygonProblem([[0, 0], [1, 0], [1.2, 0.5]]), 'point 2 is [1.2,0.5]; coordinates must be from 0 to 1 (fractions of the picture width and height)', 'a coordinate past 1');
  t.is(polygonProblem([[0, 0], [0.5, 0.5], [1, 1]]), 'has no area (its points lie on one line)', 'collinear points');
  t.is(polygonProblem([[0, 0], [1, 0], [Number.NaN, 1]]), 'point 2 must be [x, y] with two numbers, got [null,1]', 'NaN is not a number here');
  t.is(rectProblem([0, 0, 1, 1]), null, 'whole picture rectangle');
  t.regex(rectProblem([0.5, 0, 0.2, 1])!, /^\[0.5,0,0.2,1\] is not a rectangle/, 'inside-out rectangle');
});
